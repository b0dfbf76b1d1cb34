import { NodeSuspendTarget } from '@tsvirt/api';
import type { TypedParameter } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { longLongOpt } from '../../vsh/option-values.js';
import { jsonOpt, printValue } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';

const TARGETS: Readonly<Record<string, number>> = { mem: NodeSuspendTarget.MEM, disk: NodeSuspendTarget.DISK, hybrid: NodeSuspendTarget.HYBRID };

export const nodesuspend: CommandDef = {
  name: 'nodesuspend',
  group: 'host',
  help: 'suspend the host node for a given time duration',
  desc: 'Suspend the host node for a given time duration and attempt to resume thereafter.',
  options: [
    { name: 'target', type: 'string', positional: true, required: true, help: 'mem(Suspend-to-RAM), disk(Suspend-to-Disk), hybrid(Hybrid-Suspend)' },
    { name: 'duration', type: 'int', positional: true, required: true, help: 'Suspend duration in seconds, at least 60' },
  ],
  async run(ctl, cmd) {
    const target = cmd.required('target');
    const duration = longLongOpt(cmd, 'duration')!;
    const code = Object.hasOwn(TARGETS, target) ? TARGETS[target] : undefined;
    if (code === undefined) throw new VshError('Invalid target');
    if (duration < 0n) throw new VshError('Invalid duration');
    try {
      await (await ctl.connect()).suspendForDuration(code, duration);
    } catch (e) {
      throw new CommandFailed('The host was not suspended', e);
    }
    return true;
  },
};

export const nodesevinfo: CommandDef = {
  name: 'nodesevinfo',
  group: 'host',
  help: 'node SEV information',
  desc: 'Returns basic SEV information about the node.',
  options: [jsonOpt],
  async run(ctl, cmd) {
    let params: TypedParameter[];
    try {
      params = await (await ctl.connect()).getSEVInfo();
    } catch (e) {
      throw new CommandFailed('Unable to get host SEV information', e);
    }
    printValue(ctl, cmd, typedParamsJSON(params), params.map((p) => `${p.field.padEnd(18)}: ${typedParamText(p)}\n`).join(''));
    return true;
  },
};
