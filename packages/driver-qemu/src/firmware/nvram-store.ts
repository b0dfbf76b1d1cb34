import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { domainPart, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { firmwareContext, nvramPathFor } from './firmware-select.js';
import type { DriverPaths } from '../state/driver-paths.js';

const D = ErrorDomain.QEMU;
const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

/** The local NVRAM file of a definition whose pflash loader keeps state, if any. */
export function nvramFileOf(def: DomainDef): string | undefined {
  const os = domainPart(def, 'os');
  if (os?.loader?.type !== 'pflash' || os.loader.stateless === true) return undefined;
  const nvram = os.nvram;
  const file = nvram?.path?.trim() || (nvram?.type === 'file' ? nvram.source?.file : undefined);
  return file || undefined;
}

/**
 * Makes the NVRAM store of a live definition from its template when it does not exist yet
 * (libvirt's qemuPrepareNVRAM), with the template's bytes and mode 0600, atomically. Returns the
 * file when it was made here (a failed start removes it again).
 */
export async function prepareNvram(def: DomainDef): Promise<string | undefined> {
  const file = nvramFileOf(def);
  if (file === undefined || (await exists(file))) return undefined;
  const os = domainPart(def, 'os')!;
  const template = os.nvram?.template;
  if (template === undefined) throw new VirError(ErrorCode.OPERATION_FAILED, `unable to find any master var store for loader: ${os.loader?.path?.trim() ?? ''}`, D);
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await copyFile(template, tmp);
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Failed to copy NVRAM template '${template}' to '${file}': ${(e as Error).message}`, D, { cause: e });
  }
  return file;
}

/**
 * What undefine does with a domain's NVRAM store (the one its definition names, or the one
 * autoselection makes): an existing one needs `--nvram` (removed) or `--keep-nvram`, as in libvirt.
 */
export async function undefineNvram(paths: DriverPaths, def: DomainDef, remove: boolean, keep: boolean): Promise<void> {
  const os = domainPart(def, 'os');
  // A store the definition does not name is where autoselection or a read-only loader put it.
  const implied = os?.firmware === 'efi' || (os?.loader?.type === 'pflash' && os.loader.readonly === true && os.loader.stateless !== true);
  const file = nvramFileOf(def) ?? (implied ? nvramPathFor(firmwareContext(paths).nvramDir, def.name) : undefined);
  if (file === undefined || !(await exists(file))) return;
  if (remove) await rm(file, { force: true });
  else if (!keep) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot undefine domain with nvram', D);
}
