import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { v } from '@tsvirt/conf/state';

/**
 * QEMU's firmware descriptor (`docs/interop/firmware.json`): what a firmware image is, how it is
 * mapped into the guest and which machines and features it has. Only the members libvirt 9.0
 * matches on are read; the rest is ignored.
 */
const IMAGE = v.object({ filename: v.string(), format: v.optional(v.string(), 'raw') });
const DESCRIPTOR = v.object({
  'interface-types': v.array(v.string()),
  mapping: v.object({
    device: v.string(),
    mode: v.optional(v.string(), 'split'),
    executable: v.optional(IMAGE),
    'nvram-template': v.optional(IMAGE),
    // A `memory` mapping names its image directly.
    filename: v.optional(v.string()),
  }),
  targets: v.array(v.object({ architecture: v.string(), machines: v.array(v.string()) })),
  features: v.optional(v.array(v.string()), []),
});

/** One descriptor file, read. */
export interface FirmwareDescriptor extends v.InferOutput<typeof DESCRIPTOR> {
  /** The file it was read from. */
  readonly path: string;
}

/**
 * The descriptor files QEMU's interop rules choose from `dirs` (lowest precedence first): one per
 * file name, a later directory's file hiding an earlier one of the same name, an empty file
 * hiding it without replacing it; in the order of their names.
 */
export async function descriptorFiles(dirs: readonly string[]): Promise<string[]> {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    for (const f of await readdir(dir).catch(() => [] as string[])) if (f.endsWith('.json')) byName.set(f, join(dir, f));
  }
  const files: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    const path = byName.get(name)!;
    if ((await stat(path).catch(() => undefined))?.size) files.push(path);
  }
  return files;
}

/** Reads one descriptor; a file that is not one is an error naming it (libvirt 9.0 fails the start too). */
export async function readDescriptor(path: string): Promise<FirmwareDescriptor> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `unable to parse json file '${path}': ${(e as Error).message}`, ErrorDomain.QEMU, { cause: e });
  }
  const r = v.safeParse(DESCRIPTOR, json);
  if (!r.success) {
    const issue = r.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new VirError(ErrorCode.INTERNAL_ERROR, `invalid firmware descriptor '${path}': ${where ? `'${where}': ` : ''}${issue.message}`, ErrorDomain.QEMU);
  }
  return { ...r.output, path };
}
