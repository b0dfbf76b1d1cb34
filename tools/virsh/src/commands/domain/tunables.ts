import type { TypedParameter } from '@tsvirt/api';
import type { Ctl } from '../../vsh/ctl.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { printValue } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';
import { tunableLine } from './domain-schedinfo.js';

/** How a tuning command (blkiotune, memtune ...) reaches its parameters: `what` names them in virsh's errors. */
export interface Tunables {
  readonly what: string;
  /** What the count failure names, when not `what` (numatune says `memory`). */
  readonly countWhat?: string;
  /** virsh's line when setting fails, when not `Unable to change WHAT parameters`. */
  readonly setFailed?: string;
  count(): Promise<number>;
  get(): Promise<TypedParameter[]>;
  set(params: readonly TypedParameter[]): Promise<void>;
}

/**
 * virsh's tuning commands: with parameters they set them, without they ask for the count, then
 * the values, and print `NAME: VALUE` lines (`text` may print a value its own way).
 */
export async function tune(ctl: Ctl, cmd: ParsedCommand, t: Tunables, params: readonly TypedParameter[],
  text: (p: TypedParameter) => string = typedParamText): Promise<boolean> {
  if (params.length > 0) {
    try {
      await t.set(params);
    } catch (e) {
      throw new CommandFailed(t.setFailed ?? `Unable to change ${t.what} parameters`, e);
    }
    return true;
  }
  try {
    if ((await t.count()) === 0) return true;
  } catch (e) {
    throw new CommandFailed(`Unable to get number of ${t.countWhat ?? t.what} parameters`, e);
  }
  let now: TypedParameter[];
  try {
    now = await t.get();
  } catch (e) {
    throw new CommandFailed(`Unable to get ${t.what} parameters`, e);
  }
  printValue(ctl, cmd, typedParamsJSON(now), now.map((p) => tunableLine(p.field, text(p))).join(''));
  return true;
}
