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

/** One way of finding a domain: the words `-d` traces, whether the text may name it so, the lookup. */
interface LookupWay {
  readonly key: keyof LookupWays;
  readonly what: string;
  applies(text: string): boolean;
  lookup(conn: Connection, text: string): Promise<Domain>;
}

const DIGITS = /^\d+$/;

/** virsh's order of trying (a table, so that a lookup builds no closures of its own). */
const WAYS: readonly LookupWay[] = [
  { key: 'byId', what: 'looks like ID', applies: (t) => DIGITS.test(t) && Number(t) <= 0x7fffffff, lookup: (c, t) => c.lookupByID(Number(t)) },
  { key: 'byUUID', what: 'trying as domain UUID', applies: uuidShaped, lookup: (c, t) => c.lookupByUUIDString(t) },
  { key: 'byName', what: 'trying as domain NAME', applies: () => true, lookup: (c, t) => c.lookupByName(t) },
];

/** The first way from the `from`th on that the command allows and the text fits; -1 if none. */
function nextWay(text: string, ways: LookupWays, from: number): number {
  for (let i = from; i < WAYS.length; i++) if (ways[WAYS[i]!.key] && WAYS[i]!.applies(text)) return i;
  return -1;
}

/**
 * The ways from the `from`th on: the first that applies, then, if it fails, the next. The choice
 * is a function of its own: with the loop here, this function ran enough bytecode per lookup for
 * TurboFan to optimise it within a script's first few hundred lookups, inlining the API's lookup
 * chain into it (callgrind: millions of instructions a script) for code that mostly waits.
 */
function lookupFrom(conn: Connection, text: string, ways: LookupWays, trace: ((what: string) => void) | undefined, from: number): Promise<Domain> {
  const i = nextWay(text, ways, from);
  if (i < 0) return Promise.reject(new CommandFailed(`failed to get domain '${text}'`));
  const way = WAYS[i]!;
  trace?.(way.what);
  return way.lookup(conn, text).catch(() => lookupFrom(conn, text, ways, trace, i + 1));
}

/**
 * Finds a domain the way virsh does: a number is tried as an id, a UUID as a UUID, then the text
 * as a name; only the last failure's message is lost, as virsh replaces it with its own. A chain
 * of promises, not an async function with a try in a loop: run once per command of a script, V8
 * optimised that one early, at a cost of its own (see run-commands.ts).
 */
export function lookupDomain(conn: Connection, text: string, ways: LookupWays = ALL, trace?: (what: string) => void): Promise<Domain> {
  return lookupFrom(conn, text, ways, trace, 0);
}

/**
 * The domain a command names in its option `opt` (virshCommandOptDomainBy): connects, looks it up
 * and says what it tries under `-d` (its messages built only then). Not an async function: its own
 * promise, resolved with the lookup's, cost each object command two more turns of the microtask
 * queue; an error still comes as a rejected promise.
 */
export function domainArg(ctl: Ctl, cmd: ParsedCommand, ways: LookupWays = ALL, opt = 'domain'): Promise<Domain> {
  let text: string;
  try {
    text = cmd.required(opt);
  } catch (e) {
    return Promise.reject(e);
  }
  const conn = ctl.openConnection;
  return conn ? lookupIn(conn, ctl, cmd, text, ways, opt) : ctl.connect().then((c) => lookupIn(c, ctl, cmd, text, ways, opt));
}

function lookupIn(conn: Connection, ctl: Ctl, cmd: ParsedCommand, text: string, ways: LookupWays, opt: string): Promise<Domain> {
  if (ctl.debugs(DebugLevel.INFO)) ctl.debug(DebugLevel.INFO, `${cmd.def.name}: found option <${opt}>: ${text}`);
  const trace = ctl.debugs(DebugLevel.DEBUG) ? (what: string): void => ctl.debug(DebugLevel.DEBUG, `${cmd.def.name}: <${opt}> ${what}`) : undefined;
  return lookupDomain(conn, text, ways, trace);
}

/** Domains as command objects: option `domain`, found by id, UUID or name. */
export const DOMAIN: ObjectKind<Domain, LookupWays> = { option: domainOpt, find: (ctl, cmd, ways) => domainArg(ctl, cmd, ways) };
