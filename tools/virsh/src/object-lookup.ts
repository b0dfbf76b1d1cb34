import { CommandFailed, DebugLevel, type Ctl } from './vsh/ctl.js';
import type { ParsedCommand } from './vsh/parsed-command.js';

/** One way of finding an object from what the user typed: its `-d` trace word and the lookup. */
export type LookupAttempt<T> = readonly [what: string, lookup: () => Promise<T>];

/**
 * Finds the object a command names in option `opt` the way virsh finds networks, interfaces and
 * node devices: each applicable lookup in turn, and on failure virsh's line (`failed to get
 * network 'x'`) followed by the error of the last lookup tried, if any was.
 */
export async function lookupObject<T>(
  ctl: Ctl, cmd: ParsedCommand, opt: string, attempts: (text: string) => ReadonlyArray<LookupAttempt<T>>, failure: (text: string) => string,
): Promise<T> {
  const text = cmd.required(opt);
  if (ctl.debugs(DebugLevel.INFO)) ctl.debug(DebugLevel.INFO, `${cmd.def.name}: found option <${opt}>: ${text}`);
  let last: unknown;
  for (const [what, lookup] of attempts(text)) {
    if (ctl.debugs(DebugLevel.DEBUG)) ctl.debug(DebugLevel.DEBUG, `${cmd.def.name}: <${opt}> ${what}`);
    try {
      return await lookup();
    } catch (e) {
      last = e;
    }
  }
  throw new CommandFailed(failure(text), last);
}
