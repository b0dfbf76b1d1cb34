import {
  DomainAgentResponseTimeout, DomainDirtyRateCalcFlags, DomainGuestInfoTypes, type TypedParameter,
} from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { nonEmptyOpt, ullOpt } from '../../vsh/option-values.js';
import { jsonOpt, printValue } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { boolOpt, requireOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

/** Typed parameters as `NAME: VALUE` lines with the name padded to `width`, or one JSON object. */
function paramsText(params: readonly TypedParameter[], width: number): string {
  return params.map((p) => `${p.field.padEnd(width)}: ${typedParamText(p)}\n`).join('');
}

export const guestvcpus: CommandDef = {
  name: 'guestvcpus',
  group: 'domain',
  help: 'query or modify state of vcpu in the guest (via agent)',
  desc: "Use the guest agent to query or set cpu state from guest's point of view",
  options: [
    domainOpt(),
    { name: 'cpulist', type: 'string', help: 'list of cpus to enable or disable' },
    boolOpt('enable', 'enable cpus specified by cpulist'),
    boolOpt('disable', 'disable cpus specified by cpulist'),
    jsonOpt,
  ],
  async run(ctl, cmd) {
    cmd.exclusive('enable', 'disable');
    requireOpt(cmd, 'enable', 'cpulist');
    requireOpt(cmd, 'disable', 'cpulist');
    const cpulist = nonEmptyOpt(cmd, 'cpulist');
    const change = cmd.bool('enable') || cmd.bool('disable');
    if (cpulist !== undefined && !change) throw new VshError('One of options --enable or --disable is required by option --cpulist');
    const dom = await domainArg(ctl, cmd);
    if (change) {
      await dom.setGuestVcpus(cpulist!, cmd.bool('enable'));
      return true;
    }
    const params = await dom.getGuestVcpus();
    printValue(ctl, cmd, typedParamsJSON(params), paramsText(params, 15));
    return true;
  },
};

const GUEST_INFO_OPTIONS: ReadonlyArray<[string, number, string]> = [
  ['user', DomainGuestInfoTypes.USERS, 'report active users'],
  ['os', DomainGuestInfoTypes.OS, 'report operating system information'],
  ['timezone', DomainGuestInfoTypes.TIMEZONE, 'report timezone information'],
  ['hostname', DomainGuestInfoTypes.HOSTNAME, 'report hostname'],
  ['filesystem', DomainGuestInfoTypes.FILESYSTEM, 'report filesystem information'],
  ['disk', DomainGuestInfoTypes.DISKS, 'report disk information'],
  ['interface', DomainGuestInfoTypes.INTERFACES, 'report interface information'],
];

export const guestinfo = objectCommand({
  name: 'guestinfo',
  group: 'domain',
  help: 'query information about the guest (via agent)',
  desc: "Use the guest agent to query various information from guest's point of view",
  object: DOMAIN,
  options: [...GUEST_INFO_OPTIONS.map(([name, , help]) => boolOpt(name, help)), jsonOpt],
  async run(dom, ctl, cmd) {
    const types = GUEST_INFO_OPTIONS.reduce((acc, [name, bit]) => acc | (cmd.bool(name) ? bit : 0), 0);
    const params = await dom.getGuestInfo(types);
    printValue(ctl, cmd, typedParamsJSON(params), paramsText(params, 20));
    return true;
  },
});

const DIRTY_RATE_MODES: Readonly<Record<string, number>> = {
  'page-sampling': DomainDirtyRateCalcFlags.PAGE_SAMPLING,
  'dirty-bitmap': DomainDirtyRateCalcFlags.DIRTY_BITMAP,
  'dirty-ring': DomainDirtyRateCalcFlags.DIRTY_RING,
};

export const domdirtyrateCalc: CommandDef = {
  name: 'domdirtyrate-calc',
  group: 'domain',
  help: "Calculate a vm's memory dirty rate",
  desc: "Calculate memory dirty rate of a domain in order to decide whether it's proper to be migrated out or not.\n"
    + "The calculated dirty rate information is available by calling 'domstats --dirtyrate'.",
  options: [
    domainOpt(),
    { name: 'seconds', type: 'int',
      help: 'calculate memory dirty rate within specified seconds, the supported value range from 1 to 60, default to 1.' },
    { name: 'mode', type: 'string',
      help: "dirty page rate calculation mode, either of these 3 options 'page-sampling, dirty-bitmap, dirty-ring' can be specified." },
  ],
  async run(ctl, cmd) {
    const dom = await domainArg(ctl, cmd);
    const seconds = cmd.int('seconds') ?? 1;
    const mode = nonEmptyOpt(cmd, 'mode');
    const flags = mode === undefined ? 0 : DIRTY_RATE_MODES[mode];
    if (flags === undefined) throw new VshError(`Unknown calculation mode '${mode}'`);
    await dom.startDirtyRateCalc(seconds, flags);
    ctl.extra("Start to calculate domain's memory dirty rate successfully.\n");
    return true;
  },
};

export const guestAgentTimeout = objectCommand({
  name: 'guest-agent-timeout',
  group: 'domain',
  help: 'Set the guest agent timeout',
  desc: 'Set the number of seconds to wait for a response from the guest agent.',
  object: DOMAIN,
  options: [{ name: 'timeout', type: 'int', namedOnly: true, help: 'timeout seconds.' }],
  async run(dom, ctl, cmd) {
    await dom.agentSetResponseTimeout(cmd.int('timeout') ?? DomainAgentResponseTimeout.BLOCK);
    return true;
  },
});

export const dompmwakeup = objectCommand({
  name: 'dompmwakeup',
  group: 'domain',
  help: 'wakeup a domain from pmsuspended state',
  desc: 'Wakeup a domain that was previously suspended by power management.',
  object: DOMAIN,
  async run(dom, ctl) {
    try {
      await dom.pmWakeup();
    } catch (e) {
      throw new CommandFailed(`Domain '${dom.getName()}' could not be woken up`, e);
    }
    ctl.print(`Domain '${dom.getName()}' successfully woken up\n`);
    return true;
  },
});

/** virNodeSuspendTarget by virsh's names. */
const SUSPEND_TARGETS: Readonly<Record<string, number>> = { mem: 0, disk: 1, hybrid: 2 };

export const dompmsuspend = objectCommand({
  name: 'dompmsuspend',
  group: 'domain',
  help: 'suspend a domain gracefully using power management functions',
  desc: "Suspends a running domain using guest OS's power management. (Note: This requires a guest agent configured and running in the guest OS).",
  object: DOMAIN,
  options: [
    { name: 'target', type: 'string', positional: true, required: true, help: 'mem(Suspend-to-RAM), disk(Suspend-to-Disk), hybrid(Hybrid-Suspend)' },
    { name: 'duration', type: 'int', namedOnly: true, help: 'duration in seconds' },
  ],
  async run(dom, ctl, cmd) {
    const duration = ullOpt(cmd, 'duration') ?? 0n;
    const target = SUSPEND_TARGETS[cmd.required('target')];
    if (target === undefined) throw new VshError('Invalid target');
    try {
      await dom.pmSuspendForDuration(target, duration);
    } catch (e) {
      throw new CommandFailed(`Domain '${dom.getName()}' could not be suspended`, e);
    }
    ctl.print(`Domain '${dom.getName()}' successfully suspended\n`);
    return true;
  },
});
