import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** The name prefixes libvirt knows disk targets by, longest first so `xvd` is not read as something else. */
const PREFIXES = ['xvd', 'ubd', 'fd', 'hd', 'vd', 'sd'] as const;
const INT_MAX = 0x7fffffff;

/** The known prefix a target name starts with, if any. */
export function diskTargetPrefix(name: string): string | undefined {
  return PREFIXES.find((p) => name.startsWith(p));
}

/**
 * The disk index a target name stands for, as libvirt reads it (`vda` 0, `vdz` 25, `vdaa` 26; a
 * partition number may follow): undefined when the name has no known prefix, no letters, anything
 * else after them, or an index past a C int.
 */
export function diskTargetIndex(name: string): number | undefined {
  const prefix = diskTargetPrefix(name);
  const m = prefix === undefined ? null : /^([a-z]+)\d*$/.exec(name.slice(prefix.length));
  if (!m) return undefined;
  let index = -1;
  for (const c of m[1]!) {
    index = (index + 1) * 26 + (c.charCodeAt(0) - 97);
    if (index > INT_MAX) return undefined;
  }
  return index;
}

/** The bus a disk without `<target bus>` is on: floppies on the floppy controller, others by their name's prefix. */
export function defaultDiskBus(device: string | undefined, name: string): string {
  if (device === 'floppy') return 'fdc';
  const prefix = diskTargetPrefix(name);
  return prefix === 'sd' ? 'scsi' : prefix === 'vd' ? 'virtio' : prefix === 'xvd' ? 'xen' : prefix === 'ubd' ? 'uml' : 'ide';
}

const internal = (detail: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, detail, ErrorDomain.DOMAIN);

/** What libvirt refuses of a disk's target: a name it cannot place without an address, a bus or name the device cannot have. */
export function checkDiskTarget(disk: { device?: string; target?: { dev?: string; bus?: string }; address?: unknown }): void {
  const name = disk.target?.dev ?? '';
  if (disk.address === undefined && diskTargetIndex(name) === undefined) {
    throw new VirError(ErrorCode.XML_ERROR, `Unknown disk name '${name}' and no address specified`, ErrorDomain.DOMAIN);
  }
  const bus = disk.target?.bus ?? defaultDiskBus(disk.device, name);
  if (disk.device === 'floppy') {
    if (bus !== 'fdc') throw internal(`Invalid bus type '${bus}' for floppy disk`);
    if (!name.startsWith('fd')) throw internal(`Invalid floppy device name: ${name}`);
  } else if (bus === 'fdc') {
    throw internal("Invalid bus type 'fdc' for disk");
  } else if (disk.device !== 'cdrom' && (diskTargetPrefix(name) ?? 'fd') === 'fd') {
    // A hard disk's name is never a floppy's.
    throw internal(`Invalid harddisk device name: ${name}`);
  }
}
