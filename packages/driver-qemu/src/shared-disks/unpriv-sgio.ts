import { readFile, writeFile } from 'node:fs/promises';
import { ErrorCode, ErrorDomain, VirError, sysfsPath, systemError } from '@tsvirt/util';
import type { Sgio } from '../devices/qemu-disk.js';

/** The kernel's knob for unprivileged SG_IO on a block device (absent on many kernels). */
export function unprivSgioFile(key: string): string {
  return sysfsPath(`dev/block/${key}/queue/unpriv_sgio`);
}

/** The knob's value, undefined when the kernel has no such knob. */
export async function readUnprivSgio(key: string): Promise<number | undefined> {
  try {
    return Number((await readFile(unprivSgioFile(key), 'utf8')).trim());
  } catch {
    return undefined;
  }
}

/** The knob value a domain's sgio asks for: 1 for unfiltered, else 0. */
export const wantedUnprivSgio = (sgio: Sgio | undefined): number => (sgio === 'unfiltered' ? 1 : 0);

/** Writes the knob of a device. */
async function writeUnprivSgio(key: string, value: number): Promise<void> {
  const file = unprivSgioFile(key);
  try {
    await writeFile(file, `${value}\n`);
  } catch (e) {
    throw systemError(`Failed to set unpriv_sgio of '${file}'`, e as NodeJS.ErrnoException, ErrorDomain.QEMU);
  }
}

/**
 * Sets unpriv_sgio of a `device='lun'` disk's device as its sgio asks, and returns what puts the
 * knob back as it was. Where the kernel lacks the knob, filtered access is what it does anyway;
 * unfiltered access cannot be had.
 */
export async function applyUnprivSgio(key: string, sgio: Sgio | undefined): Promise<() => Promise<void>> {
  const before = await readUnprivSgio(key);
  const value = wantedUnprivSgio(sgio);
  if (before === undefined) {
    if (value === 1) throw new VirError(ErrorCode.OPERATION_INVALID, 'unpriv_sgio is not supported by this kernel', ErrorDomain.QEMU);
    return async () => undefined;
  }
  if (before === value) return async () => undefined;
  await writeUnprivSgio(key, value);
  return () => writeUnprivSgio(key, before);
}
