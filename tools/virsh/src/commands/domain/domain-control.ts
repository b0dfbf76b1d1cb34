import { readFileSync } from 'node:fs';
import {
  DomainFDAssociateFlags as FD, DomainLifecycle, DomainModificationImpact as Impact, DomainLifecycleAction, typedString, typedULLong, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, VirError, errnoText } from '@tsvirt/util';
import { CommandFailed } from '../../vsh/ctl.js';
import { nonEmptyOpt, ullOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';
import { passFds } from '../shared/pass-fds.js';
import { boolOpt, configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { hostCpuCount, parseCpuList } from './domain-vcpus.js';
import { formatCpuSet } from '@tsvirt/conf';

const IMPACT_OPTS = [configOpt, liveOpt, currentOpt];

/** libvirt's virDomainProcessSignal names, by number (`rt0` ... `rt32` after `sys`). */
const SIGNALS = [
  'nop', 'hup', 'int', 'quit', 'ill', 'trap', 'abrt', 'bus', 'fpe', 'kill', 'usr1', 'segv', 'usr2', 'pipe', 'alrm', 'term',
  'stkflt', 'chld', 'cont', 'stop', 'tstp', 'ttin', 'ttou', 'urg', 'xcpu', 'xfsz', 'vtalrm', 'prof', 'winch', 'poll', 'pwr', 'sys',
  ...Array.from({ length: 33 }, (_, i) => `rt${i}`),
];

/** virsh's signal argument: a number, or a name in any case with or without `sig`. */
function signalNumber(text: string): number {
  const lower = text.toLowerCase();
  const name = lower.startsWith('sig') ? lower.slice(3) : lower;
  if (/^[+-]?\d+$/.test(name)) {
    const n = Number(name);
    if (n >= 0 && n < 2 ** 31) return n;
  } else if (SIGNALS.includes(name)) {
    return SIGNALS.indexOf(name);
  }
  throw new VshError(`malformed signal name: ${text}`);
}

export const sendProcessSignal = objectCommand({
  name: 'send-process-signal',
  group: 'domain',
  help: 'Send signals to processes',
  desc: 'Send signals to processes in the guest',
  object: DOMAIN,
  options: [
    { name: 'pid', type: 'string', positional: true, required: true, help: 'the process ID' },
    { name: 'signame', type: 'string', positional: true, required: true, help: 'the signal number or name' },
  ],
  async run(dom, _ctl, cmd) {
    const pidText = cmd.required('pid');
    if (!/^\s*[+-]?\d+$/.test(pidText) || BigInt(pidText.trim()) >= 2n ** 63n || BigInt(pidText.trim()) < -(2n ** 63n)) {
      throw new VshError(`Numeric value '${pidText}' for <pid> option is malformed or out of range`);
    }
    const signum = signalNumber(cmd.required('signame'));
    await dom.sendProcessSignal(BigInt(pidText.trim()), signum);
    return true;
  },
});

const TYPES = ['poweroff', 'reboot', 'crash'];
const ACTIONS = ['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart'];

export const setLifecycleAction = objectCommand({
  name: 'set-lifecycle-action',
  group: 'domain',
  help: 'change lifecycle actions',
  desc: 'Change lifecycle actions for the guest domain.',
  object: DOMAIN,
  options: [
    { name: 'type', type: 'string', positional: true, required: true, help: 'lifecycle type to modify' },
    { name: 'action', type: 'string', positional: true, required: true, help: 'lifecycle action to set' },
    ...IMPACT_OPTS,
  ],
  check: (cmd) => void impactFlags(cmd),
  async run(dom, _ctl, cmd) {
    const typeText = cmd.required('type');
    const actionText = cmd.required('action');
    const type = TYPES.indexOf(typeText);
    if (type < 0) throw new VshError(`Invalid lifecycle type '${typeText}'.`);
    const action = ACTIONS.indexOf(actionText);
    if (action < 0) throw new VshError(`Invalid lifecycle action '${actionText}'.`);
    try {
      await dom.setLifecycleAction(type as DomainLifecycle, action as DomainLifecycleAction, impactFlags(cmd));
    } catch (e) {
      throw new CommandFailed('Unable to change lifecycle action.', e);
    }
    return true;
  },
});

export const setvcpu = objectCommand({
  name: 'setvcpu',
  group: 'domain',
  help: 'attach/detach vcpu or groups of threads',
  desc: 'Add or remove vcpus',
  object: DOMAIN,
  options: [
    { name: 'vcpulist', type: 'string', positional: true, required: true, help: 'ids of vcpus to manipulate' },
    boolOpt('enable', 'enable cpus specified by cpumap'),
    boolOpt('disable', 'disable cpus specified by cpumap'),
    ...IMPACT_OPTS,
  ],
  check(cmd) {
    cmd.exclusive('enable', 'disable');
    impactFlags(cmd);
    if (!cmd.bool('enable') && !cmd.bool('disable')) throw new VshError('one of --enable, --disable is required');
  },
  async run(dom, _ctl, cmd) {
    await dom.setVcpu(cmd.required('vcpulist'), cmd.bool('enable'), impactFlags(cmd));
    return true;
  },
});

export const detachDeviceAlias = objectCommand({
  name: 'detach-device-alias',
  group: 'domain',
  help: 'detach device from an alias',
  desc: 'Detach device identified by the given alias from a domain',
  object: DOMAIN,
  options: [{ name: 'alias', type: 'string', positional: true, required: true, help: 'device alias' }, ...IMPACT_OPTS],
  check: (cmd) => void impactFlags(cmd),
  async run(dom, ctl, cmd) {
    const alias = cmd.required('alias');
    try {
      await dom.detachDeviceAlias(alias, impactFlags(cmd));
    } catch (e) {
      throw new CommandFailed(`Failed to detach device with alias ${alias}`, e);
    }
    ctl.extra('Device detach request sent successfully\n');
    return true;
  },
});

export const domFdAssociate = objectCommand({
  name: 'dom-fd-associate',
  group: 'domain',
  help: 'associate a FD with a domain',
  desc: 'associate a FD with a domain',
  object: DOMAIN,
  options: [
    { name: 'name', type: 'string', positional: true, required: true, help: 'name of the FD group' },
    { name: 'pass-fds', type: 'string', positional: true, required: true, help: 'file descriptors N,M,... to associate' },
    boolOpt('seclabel-writable', 'use seclabels allowing writes'),
    boolOpt('seclabel-restore', 'try to restore security label after use if possible'),
  ],
  async run(dom, _ctl, cmd) {
    const name = cmd.required('name');
    const fds = passFds(cmd.required('pass-fds'));
    const flags = (cmd.bool('seclabel-writable') ? FD.SECLABEL_WRITABLE : 0) | (cmd.bool('seclabel-restore') ? FD.SECLABEL_RESTORE : 0);
    await dom.fdAssociate(name, fds, flags);
    return true;
  },
});

export const emulatorpin = objectCommand({
  name: 'emulatorpin',
  group: 'domain',
  help: 'control or query domain emulator affinity',
  desc: 'Pin domain emulator threads to host physical CPUs.',
  object: DOMAIN,
  options: [{ name: 'cpulist', type: 'string', help: 'host cpu number(s) to set, or omit option to query' }, ...IMPACT_OPTS],
  check: (cmd) => void impactFlags(cmd),
  async run(dom, ctl, cmd) {
    const flags = impactFlags(cmd);
    const cpus = await hostCpuCount(await ctl.connect());
    const list = cmd.string('cpulist');
    if (list === undefined) {
      const map = await dom.emulatorPinInfo(flags);
      ctl.print(`emulator: CPU Affinity\n----------------------------------\n       *: ${formatCpuSet(map.slice(0, cpus))}\n`);
      return true;
    }
    // Without an impact option virsh pins the live domain (its pinning predates --current).
    const pinFlags = flags === 0 && !cmd.bool('current') ? Impact.LIVE : flags;
    await dom.pinEmulator(parseCpuList(list, cpus), pinFlags);
    return true;
  },
});

export const domlaunchsecinfo = objectCommand({
  name: 'domlaunchsecinfo',
  group: 'domain',
  help: 'Get domain launch security info',
  desc: 'Get the launch security parameters for a guest domain',
  object: DOMAIN,
  async run(dom, ctl) {
    let params: TypedParameter[];
    try {
      params = await dom.launchSecurityInfo();
    } catch (e) {
      throw new CommandFailed('Unable to get launch security parameters', e);
    }
    ctl.print(params.map((p) => `${p.field.padEnd(15)}: ${String(p.value)}\n`).join(''));
    return true;
  },
});

/** A file virsh reads whole and sends base64-encoded. */
function readBase64(path: string): string {
  try {
    return readFileSync(path).toString('base64');
  } catch (e) {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Failed to open file '${path}': ${errnoText(e as NodeJS.ErrnoException)}`);
  }
}

export const domsetlaunchsecstate = objectCommand({
  name: 'domsetlaunchsecstate',
  group: 'domain',
  help: 'Set domain launch security state',
  desc: "Set a secret in the guest domain's memory",
  object: DOMAIN,
  options: [
    { name: 'secrethdr', type: 'string', namedOnly: true, help: 'path to file containing the secret header' },
    { name: 'secret', type: 'string', namedOnly: true, help: 'path to file containing the secret' },
    { name: 'set-address', type: 'int', help: "physical address within the guest domain's memory to set the secret" },
  ],
  async run(dom, _ctl, cmd) {
    const hdr = nonEmptyOpt(cmd, 'secrethdr');
    const secret = nonEmptyOpt(cmd, 'secret');
    const address = ullOpt(cmd, 'set-address');
    if (hdr === undefined || secret === undefined) throw new VshError('Both secret and the secret header are required');
    const params = [typedString('sev-secret-header', readBase64(hdr)), typedString('sev-secret', readBase64(secret))];
    if (address !== undefined) params.push(typedULLong('sev-secret-set-address', address));
    try {
      await dom.setLaunchSecurityState(params);
    } catch (e) {
      throw new CommandFailed('Unable to set launch security state', e);
    }
    return true;
  },
});
