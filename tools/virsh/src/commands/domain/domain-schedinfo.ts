import { DomainModificationImpact as Impact, typedParamFromString, type TypedParameter } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { jsonOpt, printValue, wantsJSON } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt, impactFlags, wantsFlagsAPI } from '../shared/modify-impact.js';

/** A `NAME: VALUE` line with the name padded to 15, as schedinfo, memtune and the other tuning commands print. */
export const tunableLine = (name: string, value: string): string => `${name.padEnd(15)}: ${value}\n`;

const BOTH = Impact.LIVE | Impact.CONFIG;

/** One `name=value` for a parameter the scheduler has, typed as the scheduler types it. */
function update(current: readonly TypedParameter[], field: string, value: string): TypedParameter {
  const known = current.find((p) => p.field === field);
  if (!known) throw new VshError(`invalid scheduler option: ${field}`);
  return typedParamFromString(field, known.type, value);
}

/** The changes asked for: each --set in order, then --cap and --weight. */
function updates(cmd: ParsedCommand, current: readonly TypedParameter[]): TypedParameter[] {
  const out = cmd.argv('set').map((item) => {
    const eq = item.indexOf('=');
    if (eq < 0) throw new VshError('Invalid syntax for --set, expecting name=value');
    return update(current, item.slice(0, eq), item.slice(eq + 1));
  });
  for (const name of ['cap', 'weight']) {
    const v = cmd.string(name);
    if (v !== undefined) out.push(update(current, name, v));
  }
  return out;
}

export const schedinfo: CommandDef = {
  name: 'schedinfo',
  group: 'domain',
  help: 'show/set scheduler parameters',
  desc: 'Show/Set scheduler parameters.',
  options: [
    domainOpt(),
    { name: 'weight', type: 'int', namedOnly: true, help: 'weight for XEN_CREDIT' },
    { name: 'cap', type: 'int', namedOnly: true, help: 'cap for XEN_CREDIT' },
    boolOpt('current', 'get/set current scheduler info'),
    boolOpt('config', 'get/set value to be used on next boot'),
    boolOpt('live', 'get/set value from running domain'),
    { name: 'set', type: 'argv', positional: true, help: 'parameter=value' },
    jsonOpt,
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const withFlags = wantsFlagsAPI(cmd, flags);
    const dom = await domainArg(ctl, cmd);
    let sched: { type: string; nparams: number };
    try {
      sched = await dom.schedulerType();
    } catch (e) {
      throw new CommandFailed('Failed to get scheduler type', e);
    }
    if (!wantsJSON(ctl, cmd)) ctl.print(tunableLine('Scheduler', sched.type));
    let params: TypedParameter[] = [];
    if (sched.nparams > 0) {
      // --live and --config cannot be read together: virsh then reads the current values.
      const get = (): Promise<TypedParameter[]> => dom.schedulerParameters(withFlags ? (flags === BOTH ? 0 : flags) : undefined);
      params = await get();
      const changes = updates(cmd, params);
      if (changes.length > 0) {
        await dom.setSchedulerParameters(changes, withFlags ? flags : undefined);
        params = await get();
      } else if (flags === BOTH) {
        throw new VshError('cannot query both live and config at once');
      }
    }
    if (wantsJSON(ctl, cmd)) printValue(ctl, cmd, { scheduler: sched.type, parameters: typedParamsJSON(params) }, '');
    else ctl.print(params.map((p) => tunableLine(p.field, typedParamText(p))).join(''));
    return true;
  },
};
