import { typedString, typedUInt, typedULLong, type TypedParameter } from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { scaledOpt, ullOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';
import { configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { tune } from './tunables.js';

const IMPACT_OPTS = [configOpt, liveOpt, currentOpt];

/** blkdeviotune's limits: option, how virsh reads it, help. Each sets the parameter of its name with `_` for `-`. */
const LIMITS: ReadonlyArray<[string, 'scaled' | 'ull' | 'string', string]> = [
  ['total-bytes-sec', 'scaled', 'total throughput limit, as scaled integer (default bytes)'],
  ['read-bytes-sec', 'scaled', 'read throughput limit, as scaled integer (default bytes)'],
  ['write-bytes-sec', 'scaled', 'write throughput limit, as scaled integer (default bytes)'],
  ['total-iops-sec', 'ull', 'total I/O operations limit per second'],
  ['read-iops-sec', 'ull', 'read I/O operations limit per second'],
  ['write-iops-sec', 'ull', 'write I/O operations limit per second'],
  ['total-bytes-sec-max', 'scaled', 'total max, as scaled integer (default bytes)'],
  ['read-bytes-sec-max', 'scaled', 'read max, as scaled integer (default bytes)'],
  ['write-bytes-sec-max', 'scaled', 'write max, as scaled integer (default bytes)'],
  ['total-iops-sec-max', 'ull', 'total I/O operations max'],
  ['read-iops-sec-max', 'ull', 'read I/O operations max'],
  ['write-iops-sec-max', 'ull', 'write I/O operations max'],
  ['size-iops-sec', 'ull', 'I/O size in bytes'],
  ['group-name', 'string', 'group name to share I/O quota between multiple drives'],
  ['total-bytes-sec-max-length', 'ull', 'duration in seconds to allow total max bytes'],
  ['read-bytes-sec-max-length', 'ull', 'duration in seconds to allow read max bytes'],
  ['write-bytes-sec-max-length', 'ull', 'duration in seconds to allow write max bytes'],
  ['total-iops-sec-max-length', 'ull', 'duration in seconds to allow total I/O operations max'],
  ['read-iops-sec-max-length', 'ull', 'duration in seconds to allow read I/O operations max'],
  ['write-iops-sec-max-length', 'ull', 'duration in seconds to allow write I/O operations max'],
];

/** One limit's parameter, with virsh's second line when the option cannot be read. */
function limitParam(cmd: ParsedCommand, opt: string, kind: 'scaled' | 'ull' | 'string'): TypedParameter | undefined {
  const field = opt.replaceAll('-', '_');
  try {
    if (kind === 'string') {
      const v = cmd.string(opt);
      if (v === '') throw new VshError(`Failed to get option '${opt}': Option argument is empty`);
      return v === undefined ? undefined : typedString(field, v);
    }
    const v = kind === 'scaled' ? scaledOpt(cmd, opt, 1n) : ullOpt(cmd, opt);
    return v === undefined ? undefined : typedULLong(field, v);
  } catch (e) {
    const what = kind === 'string' ? 'group-name' : 'integer';
    throw new CommandFailed(e instanceof Error ? e.message : String(e), new VshError(`Unable to parse ${what} parameter`));
  }
}

export const blkdeviotune = objectCommand({
  name: 'blkdeviotune',
  group: 'domain',
  help: 'Set or query a block device I/O tuning parameters.',
  desc: 'Set or query disk I/O parameters such as block throttling.',
  object: DOMAIN,
  options: [
    { name: 'device', type: 'string', positional: true, required: true, help: 'block device' },
    ...LIMITS.map(([name, kind, help]) => ({ name, type: kind === 'string' ? 'string' as const : 'int' as const, help })),
    ...IMPACT_OPTS,
  ],
  check: (cmd) => void impactFlags(cmd),
  async run(dom, ctl, cmd) {
    const flags = impactFlags(cmd);
    const disk = cmd.required('device');
    const params = LIMITS.map(([opt, kind]) => limitParam(cmd, opt, kind)).filter((p) => p !== undefined);
    return tune(ctl, cmd, {
      what: 'block I/O throttle',
      setFailed: 'Unable to change block I/O throttle',
      count: () => dom.blockIoTuneCount(disk, flags),
      get: () => dom.blockIoTune(disk, flags),
      set: (p) => dom.setBlockIoTune(disk, p, flags),
    }, params);
  },
});

/** virsh's `average,peak,burst,floor` rate string, each part an unsigned number, empty parts 0. */
function parseRate(text: string): { average: bigint; peak: bigint; burst: bigint; floor: bigint } {
  const parts = text.split(',');
  if (parts.length > 4) throw new VshError(`Rate string '${text}' has too many fields`);
  const names = ['average', 'peak', 'burst', 'floor'] as const;
  const out = { average: 0n, peak: 0n, burst: 0n, floor: 0n };
  parts.forEach((p, i) => {
    if (p === '') return;
    if (!/^\d+$/.test(p) || BigInt(p) >= 2n ** 64n) throw new VshError(`field '${names[i]}' is malformed`);
    out[names[i]!] = BigInt(p);
  });
  return out;
}

const UINT_MAX = 0xffffffffn;

/** The parameters of one direction: the average always, the rest when not zero. */
function rateParams(cmd: ParsedCommand, dir: 'inbound' | 'outbound'): TypedParameter[] {
  const text = cmd.string(dir);
  if (text === undefined) return [];
  if (text === '') throw new VshError(`Failed to get option '${dir}': Option argument is empty`);
  const rate = parseRate(text);
  if (rate.average > UINT_MAX || rate.peak > UINT_MAX || rate.burst > UINT_MAX) throw new VshError(`${dir} rate larger than maximum ${UINT_MAX}`);
  if (!rate.average && (rate.peak || rate.burst) && !rate.floor) throw new VshError(`${dir} average is mandatory`);
  if (dir === 'outbound' && rate.floor) throw new VshError('outbound floor is unsupported yet');
  const params = [typedUInt(`${dir}.average`, Number(rate.average))];
  for (const key of ['peak', 'burst', 'floor'] as const) if (rate[key]) params.push(typedUInt(`${dir}.${key}`, Number(rate[key])));
  return params;
}

export const domiftune = objectCommand({
  name: 'domiftune',
  group: 'domain',
  help: 'get/set parameters of a virtual interface',
  desc: "Get/set parameters of a domain's virtual interface.",
  object: DOMAIN,
  options: [
    { name: 'interface', type: 'string', positional: true, required: true, help: 'interface device (MAC Address)' },
    { name: 'inbound', type: 'string', help: "control domain's incoming traffics" },
    { name: 'outbound', type: 'string', help: "control domain's outgoing traffics" },
    ...IMPACT_OPTS,
  ],
  check: (cmd) => void impactFlags(cmd),
  async run(dom, ctl, cmd) {
    const flags = impactFlags(cmd);
    const device = cmd.required('interface');
    const params = [...rateParams(cmd, 'inbound'), ...rateParams(cmd, 'outbound')];
    return tune(ctl, cmd, {
      what: 'interface',
      setFailed: 'Unable to set interface parameters',
      count: () => dom.interfaceParameterCount(device, flags),
      get: () => dom.interfaceParameters(device, flags),
      set: (p) => dom.setInterfaceParameters(device, p, flags),
    }, params);
  },
});
