import type { Connection, Domain } from '@tsvirt/api';
import type { ObjectKind } from './commands/shared/object-command.js';
import { domainOpt } from './vsh/command-def.js';
import { uuidShaped } from './uuid-string.js';
import { CommandFailed, DebugLevel, type Ctl } from './vsh/ctl.js';
import type { ParsedCommand } from './vsh/parsed-command.js';

/** Which ways a command lets the user name a domain (virsh's VIRSH_BYID/BYUUID/BYNAME). */
export interface LookupWays {
  readonly byId?: boolean;
  readonly byUUID?: boolean;
  readonly byName?: boolean;
}

const ALL: LookupWays = { byId: true, byUUID: true, byName: true };

/**
 * Finds a domain the way virsh does: a number is tried as an id, a UUID as a UUID, then the text
 * as a name; only the last failure's message is lost, as virsh replaces it with its own.
 */
export async function lookupDomain(
  conn: Connection, text: string, ways: LookupWays = ALL, trace?: (what: string) => void,
): Promise<Domain> {
  const attempts: Array<[string, () => Promise<Domain>]> = [];
  if (ways.byId && /^\d+$/.test(text) && Number(text) <= 0x7fffffff) attempts.push(['looks like ID', () => conn.lookupByID(Number(text))]);
  if (ways.byUUID && uuidShaped(text)) attempts.push(['trying as domain UUID', () => conn.lookupByUUIDString(text)]);
  if (ways.byName) attempts.push(['trying as domain NAME', () => conn.lookupByName(text)]);
  for (const [what, attempt] of attempts) {
    trace?.(what);
    try {
      return await attempt();
    } catch {
      // try the next way, as virsh does
    }
  }
  throw new CommandFailed(`failed to get domain '${text}'`);
}

/**
 * The domain a command names in its option `opt` (virshCommandOptDomainBy): connects, looks it up
 * and says what it tries under `-d`.
 */
export async function domainArg(ctl: Ctl, cmd: ParsedCommand, ways: LookupWays = ALL, opt = 'domain'): Promise<Domain> {
  const text = cmd.required(opt);
  const conn = await ctl.connect();
  ctl.debug(DebugLevel.INFO, `${cmd.def.name}: found option <${opt}>: ${text}`);
  return lookupDomain(conn, text, ways, (what) => ctl.debug(DebugLevel.DEBUG, `${cmd.def.name}: <${opt}> ${what}`));
}

/** Domains as command objects: option `domain`, found by id, UUID or name. */
export const DOMAIN: ObjectKind<Domain, LookupWays> = { option: domainOpt, find: (ctl, cmd, ways) => domainArg(ctl, cmd, ways) };
