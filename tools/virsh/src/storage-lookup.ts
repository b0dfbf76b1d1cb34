import type { Connection, StoragePool, StorageVol } from '@tsvirt/api';
import { uuidShaped } from './uuid-string.js';
import { strcasecmp } from './vsh/strcasecmp.js';
import type { OptDef } from './vsh/command-def.js';
import { CommandFailed, type Ctl } from './vsh/ctl.js';
import type { ParsedCommand } from './vsh/parsed-command.js';
import { VshError } from './vsh/vsh-error.js';
import { lookupObject, type LookupAttempt } from './object-lookup.js';
import type { ObjectKind } from './commands/shared/object-command.js';

/** A string option that may be left out but, as virsh's vshCommandOptStringReq says, not given empty. */
export function optionalString(cmd: ParsedCommand, name: string): string | undefined {
  const v = cmd.string(name);
  if (v === '') throw new VshError(`Failed to get option '${name}': Option argument is empty`);
  return v;
}

/** The `pool` option of the pool commands: positional and required unless said otherwise. */
export function poolOpt(help = 'pool name or uuid', positional = true): OptDef {
  return positional ? { name: 'pool', type: 'string', positional: true, required: true, help } : { name: 'pool', type: 'string', help };
}

/** Which ways a command lets the user name a pool (virsh's VIRSH_BYUUID/BYNAME). */
export interface PoolLookupWays {
  readonly byUUID?: boolean;
  readonly byName?: boolean;
}
const BOTH: PoolLookupWays = { byUUID: true, byName: true };

function poolAttempts(conn: Connection, ways: PoolLookupWays) {
  return (text: string): Array<LookupAttempt<StoragePool>> => {
    const attempts: Array<LookupAttempt<StoragePool>> = [];
    if (ways.byUUID && uuidShaped(text)) attempts.push(['trying as pool UUID', () => conn.storagePoolLookupByUUIDString(text)]);
    if (ways.byName) attempts.push(['trying as pool NAME', () => conn.storagePoolLookupByName(text)]);
    return attempts;
  };
}

/** The pool named by option `opt`: as a UUID when it is one, then as a name, with virsh's failure. */
export async function poolArg(ctl: Ctl, cmd: ParsedCommand, opt = 'pool', ways: PoolLookupWays = BOTH): Promise<StoragePool> {
  return lookupObject(ctl, cmd, opt, poolAttempts(await ctl.connect(), ways), (text) => `failed to get pool '${text}'`);
}

/** Pools as command objects: option `pool`, found by UUID or name. */
export const POOL: ObjectKind<StoragePool, PoolLookupWays> = { option: (help) => poolOpt(help), find: (ctl, cmd, ways) => poolArg(ctl, cmd, 'pool', ways) };

/** Which ways a command lets the user name a volume besides its path: by name within --pool, by key. */
export interface VolLookupWays {
  readonly byName?: boolean;
  readonly byKey?: boolean;
}

export interface VolArgOptions {
  /** The option naming the volume. */
  readonly opt?: string;
  /** The option naming its pool (`pool`, `inputpool`). */
  readonly poolOpt?: string;
  readonly ways?: VolLookupWays;
}

/** The volume a command names and the text the user typed for it. */
export interface VolArg {
  readonly vol: StorageVol;
  readonly text: string;
}

/**
 * Finds a volume as virsh does: in the pool of `--pool` (which must be running) by name, then by
 * key, then always by path; a volume found elsewhere than the pool named is refused. When the command
 * has a pool option the user left out, virsh's failure suggests giving it.
 */
export async function volArg(ctl: Ctl, cmd: ParsedCommand, options: VolArgOptions = {}): Promise<VolArg> {
  const { opt = 'vol', poolOpt: poolName = 'pool', ways = { byName: true, byKey: true } } = options;
  const text = cmd.required(opt);
  const conn = await ctl.connect();
  const poolText = optionalString(cmd, poolName);
  let pool: StoragePool | undefined;
  if (poolText !== undefined) {
    pool = await lookupObject(ctl, cmd, poolName, poolAttempts(conn, BOTH), (t) => `failed to get pool '${t}'`);
    if (!(await pool.isActive())) throw new CommandFailed(`pool '${poolText}' is not active`);
  }
  const inPool = pool;
  const vol = await lookupObject(ctl, cmd, opt, (t) => {
    const attempts: Array<LookupAttempt<StorageVol>> = [];
    if (inPool && ways.byName) attempts.push(['trying as vol name', () => inPool.storageVolLookupByName(t)]);
    if (ways.byKey) attempts.push(['trying as vol key', () => conn.storageVolLookupByKey(t)]);
    // virsh always tries the text as a path last, whatever the command's help says.
    attempts.push(['trying as vol path', () => conn.storageVolLookupByPath(t)]);
    return attempts;
  }, (t) => (poolText !== undefined || !cmd.def.options.some((o) => o.name === poolName)
    ? `failed to get vol '${t}'`
    : `failed to get vol '${t}', specifying --${poolName} might help`));
  if (pool && vol.ref.pool !== pool.getName()) throw new CommandFailed(`Requested volume '${text}' is not in pool '${poolText}'`);
  return { vol, text };
}

/** virsh's order of pools and volumes: by name, ignoring case. */
export function compareNames(a: { getName(): string }, b: { getName(): string }): number {
  return strcasecmp(a.getName(), b.getName());
}
