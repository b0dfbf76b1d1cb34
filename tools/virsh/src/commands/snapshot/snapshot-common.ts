import { ErrorCode, VirError, type Domain, type DomainSnapshot } from '@tsvirt/api';
import { parseSnapshotXML, type DomainSnapshotDef } from '@tsvirt/conf';
import type { OptDef } from '../../vsh/command-def.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';

export const SNAPSHOT_GROUP = 'snapshot';

export const snapshotNameOpt = (help: string, positional = false): OptDef =>
  ({ name: 'snapshotname', type: 'string', help, ...(positional ? { positional: true, required: true } : {}) });

export const currentOpt = (help: string): OptDef => ({ name: 'current', type: 'bool', help });

/**
 * The snapshot a command names by `--ARG NAME` or `--current` (virshLookupSnapshot): one of them
 * is required, both together are refused, and a failed lookup reports libvirt's error alone.
 */
export async function lookupSnapshot(cmd: ParsedCommand, dom: Domain, arg = 'snapshotname'): Promise<DomainSnapshot> {
  const name = cmd.string(arg);
  const current = cmd.bool('current');
  if (current && name !== undefined) throw new VshError(`--${arg} and --current are mutually exclusive`);
  if (name !== undefined) return dom.snapshotLookupByName(name);
  if (current) return dom.snapshotCurrent();
  throw new VshError(`--${arg} or --current is required`);
}

/** The parent's name, or undefined for a root (virshGetSnapshotParent: a missing parent is no error). */
export async function parentName(snap: DomainSnapshot): Promise<string | undefined> {
  try {
    return (await snap.getParent()).getName();
  } catch (e) {
    if (e instanceof VirError && e.code === ErrorCode.NO_DOMAIN_SNAPSHOT) return undefined;
    throw e;
  }
}

/** What virsh reads out of a snapshot's XML for its listings. */
export async function snapshotFacts(snap: DomainSnapshot): Promise<DomainSnapshotDef> {
  return parseSnapshotXML(await snap.getXMLDesc(), { redefine: true });
}

/** Creation time as virsh prints it: local time, `%Y-%m-%d %H:%M:%S %z`. */
export function creationTimeText(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
}
