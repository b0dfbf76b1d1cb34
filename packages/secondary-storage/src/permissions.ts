import { firstChild, textOf, type XmlElement } from '@tsvirt/conf';
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

/** An id as libvirt reads one: a whole number a uid_t/gid_t holds, else "malformed owner/group element". */
function idOf(el: XmlElement): number {
  const text = textOf(el).trim();
  if (!/^\d{1,10}$/.test(text) || BigInt(text) > MAX_ID) throw malformed(`malformed ${el.name} element`);
  return Number(text);
}

function modeOf(el: XmlElement): number {
  const text = textOf(el).trim();
  const mode = /^[0-7]{1,12}$/.test(text) ? parseInt(text, 8) : NaN;
  if (!(mode <= MODE_BITS)) throw malformed('malformed octal mode');
  return mode;
}

/**
 * The `<target><permissions>` of a pool or volume definition (conf has normalised their spelling),
 * checked as libvirt checks them at define: a mode within 0777 and ids a uid_t/gid_t holds, so that
 * no definition this driver keeps carries a number it cannot use.
 */
export function permissionsOf(root: XmlElement): Permissions {
  const target = firstChild(root, 'target');
  const perms = target && firstChild(target, 'permissions');
  const el = (name: string): XmlElement | undefined => perms && firstChild(perms, name);
  const [mode, owner, group] = [el('mode'), el('owner'), el('group')];
  return {
    ...(mode ? { mode: modeOf(mode) } : {}),
    ...(owner ? { owner: idOf(owner) } : {}),
    ...(group ? { group: idOf(group) } : {}),
  };
}
