import { poolPart, volumePart, type StoragePoolDef, type StorageVolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.STORAGE;
/** The largest id a uid_t or gid_t holds that is not its "unset" value (-1). */
const MAX_ID = 0xffff_fffen;
/** The bits libvirt accepts in a `<mode>`: permissions only, no setuid, setgid or sticky bit. */
const MODE_BITS = 0o777;

/** `<target><permissions>` of a pool or volume definition: mode and ids when given. */
export interface Permissions {
  readonly mode?: number;
  readonly owner?: number;
  readonly group?: number;
}

const malformed = (what: string): VirError => new VirError(ErrorCode.XML_ERROR, what, D);

/** `<permissions>` as conf reads it: the text of each child. */
type PermissionsText = { readonly mode?: string; readonly owner?: string; readonly group?: string };

/** An id as libvirt reads one: a whole number a uid_t/gid_t holds, else "malformed owner/group element". */
function idOf(text: string, what: 'owner' | 'group'): number {
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t) || BigInt(t) > MAX_ID) throw malformed(`malformed ${what} element`);
  return Number(t);
}

function modeOf(text: string): number {
  const t = text.trim();
  const mode = /^[0-7]{1,12}$/.test(t) ? parseInt(t, 8) : NaN;
  if (!(mode <= MODE_BITS)) throw malformed('malformed octal mode');
  return mode;
}

/**
 * `<target><permissions>` (conf has normalised their spelling), checked as libvirt checks them at
 * define: a mode within 0777 and ids a uid_t/gid_t holds, so that no definition this driver
 * keeps carries a number it cannot use.
 */
function checked(perms: PermissionsText | undefined): Permissions {
  return {
    ...(perms?.mode !== undefined ? { mode: modeOf(perms.mode) } : {}),
    ...(perms?.owner !== undefined ? { owner: idOf(perms.owner, 'owner') } : {}),
    ...(perms?.group !== undefined ? { group: idOf(perms.group, 'group') } : {}),
  };
}

export const poolPermissions = (def: StoragePoolDef): Permissions => checked(poolPart(def, 'target')?.permissions);
export const volumePermissions = (def: StorageVolDef): Permissions => checked(volumePart(def, 'target')?.permissions);
