import { typedString, typedUInt, type TypedParameter } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { jsonOpt } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { tune } from './tunables.js';

/** The per-device options and the parameter each sets. */
const DEVICE_OPTS: ReadonlyArray<[string, string, string]> = [
  ['device-weights', 'device_weight', 'per-device IO Weights, in the form of /path/to/device,weight,...'],
  ['device-read-iops-sec', 'device_read_iops_sec', 'per-device read I/O limit per second, in the form of /path/to/device,read_iops_sec,...'],
  ['device-write-iops-sec', 'device_write_iops_sec', 'per-device write I/O limit per second, in the form of /path/to/device,write_iops_sec,...'],
  ['device-read-bytes-sec', 'device_read_bytes_sec', 'per-device bytes read per second, in the form of /path/to/device,read_bytes_sec,...'],
  ['device-write-bytes-sec', 'device_write_bytes_sec', 'per-device bytes wrote per second, in the form of /path/to/device,write_bytes_sec,...'],
];

export const blkiotune: CommandDef = {
  name: 'blkiotune',
  group: 'domain',
  help: 'Get or set blkio parameters',
  desc: 'Get or set the current blkio parameters for a guest domain.\n    To get the blkio parameters use following command: \n\n    virsh # blkiotune <domain>',
  options: [
    domainOpt(),
    { name: 'weight', type: 'int', help: 'IO Weight' },
    ...DEVICE_OPTS.map(([name, , help]) => ({ name, type: 'string' as const, help })),
    configOpt, liveOpt, currentOpt, jsonOpt,
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const params: TypedParameter[] = [];
    const weight = cmd.int('weight');
    if (weight !== undefined) {
      if (weight <= 0) throw new VshError(`Invalid value of ${weight} for I/O weight`);
      params.push(typedUInt('weight', weight));
    }
    for (const [opt, field] of DEVICE_OPTS) {
      const v = cmd.string(opt);
      if (v === '') throw new VshError('Unable to parse string parameter');
      if (v !== undefined) params.push(typedString(field, v));
    }
    return tune(ctl, cmd, {
      what: 'blkio',
      count: () => dom.blkioParameterCount(flags),
      get: () => dom.blkioParameters(flags),
      set: (p) => dom.setBlkioParameters(p, flags),
    }, params);
  },
};
