import {
  DomainAbortJobFlags, DomainGetJobStatsFlags, ErrorCode, VirError, findTypedParam, type DomainJobInfo, type TypedParameter,
} from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import { jsonOpt, printValue } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';
import { DOMAIN } from '../../domain-lookup.js';
import { boolOpt, requireOpt } from '../shared/modify-impact.js';
import { prettyCapacity } from '../domain-monitor/domain-stats.js';
import { objectCommand } from '../shared/object-command.js';

/** virDomainJobType as virsh names it. */
const JOB_TYPES = ['None', 'Bounded', 'Unbounded', 'Completed', 'Failed', 'Cancelled'];
const NONE = 0;
const UNBOUNDED = 2;

/** virDomainJobInfo's fields under the names virDomainGetJobStats gives them. */
const STAT_FIELDS: ReadonlyArray<[keyof DomainJobInfo, string]> = [
  ['timeElapsed', 'time_elapsed'], ['timeRemaining', 'time_remaining'], ['dataTotal', 'data_total'],
  ['dataProcessed', 'data_processed'], ['dataRemaining', 'data_remaining'], ['memTotal', 'memory_total'],
  ['memProcessed', 'memory_processed'], ['memRemaining', 'memory_remaining'], ['fileTotal', 'disk_total'],
  ['fileProcessed', 'disk_processed'], ['fileRemaining', 'disk_remaining'],
];

function infoFromStats(type: number, params: readonly TypedParameter[]): DomainJobInfo {
  const value = (field: string): bigint => {
    const p = findTypedParam(params, field);
    return p && typeof p.value === 'bigint' ? p.value : 0n;
  };
  return { type, ...Object.fromEntries(STAT_FIELDS.map(([key, field]) => [key, value(field)])) } as DomainJobInfo;
}

const line = (label: string, value: string): string => `${label.padEnd(17)} ${value}\n`;

/** The processed/remaining/total lines of one kind of data, when the job reports any. */
function sizes(kind: string, processed: bigint, remaining: bigint, total: bigint): string {
  if (!processed && !remaining && !total) return '';
  return line(`${kind} processed:`, prettyCapacity(Number(processed))) + line(`${kind} remaining:`, prettyCapacity(Number(remaining)))
    + line(`${kind} total:`, prettyCapacity(Number(total)));
}

/** virsh's report of a job: its type, then (for a job that ran) its times and sizes. */
function jobText(info: DomainJobInfo, any: boolean): string {
  let out = line('Job type:', (JOB_TYPES[info.type] ?? '?').padEnd(12));
  if (info.type === NONE && !any) return out;
  out += line('Time elapsed:', `${String(info.timeElapsed).padEnd(12)} ms`);
  if (info.type !== UNBOUNDED) out += line('Time remaining:', `${String(info.timeRemaining).padEnd(12)} ms`);
  return out + sizes('Data', info.dataProcessed, info.dataRemaining, info.dataTotal)
    + sizes('Memory', info.memProcessed, info.memRemaining, info.memTotal)
    + sizes('File', info.fileProcessed, info.fileRemaining, info.fileTotal);
}

export const domjobinfo = objectCommand({
  name: 'domjobinfo',
  group: 'domain',
  help: 'domain job information',
  desc: 'Returns information about jobs running on a domain.',
  object: DOMAIN,
  check(cmd) {
    requireOpt(cmd, 'keep-completed', 'completed');
  },
  options: [
    boolOpt('completed', 'return statistics of a recently completed job'),
    boolOpt('keep-completed', "don't destroy statistics of a recently completed job when reading"),
    boolOpt('anystats', 'print statistics for any kind of job (even failed ones)'),
    boolOpt('rawstats', 'print the raw data returned by libvirt'),
    jsonOpt,
  ],
  async run(dom, ctl, cmd) {
    const flags = (cmd.bool('completed') ? DomainGetJobStatsFlags.COMPLETED : 0)
      | (cmd.bool('keep-completed') ? DomainGetJobStatsFlags.KEEP_COMPLETED : 0);
    let info: DomainJobInfo;
    try {
      const stats = await dom.getJobStats(flags);
      if (cmd.bool('rawstats')) {
        printValue(ctl, cmd, { type: JOB_TYPES[stats.type] ?? '?', stats: typedParamsJSON(stats.params) },
          line('Job type:', (JOB_TYPES[stats.type] ?? '?').padEnd(12)) + stats.params.map((p) => `${p.field}: ${typedParamText(p)}\n`).join(''));
        return true;
      }
      info = infoFromStats(stats.type, stats.params);
    } catch (e) {
      if (!(e instanceof VirError && e.code === ErrorCode.NO_SUPPORT)) throw e;
      // Daemons without job statistics still report the basic job info, but not for these options.
      if (flags || cmd.bool('rawstats')) throw new CommandFailed('Optional flags or --rawstats are not supported by the daemon', e);
      info = await dom.getJobInfo();
    }
    const json = Object.fromEntries(Object.entries(info).map(([k, v]) => [k, k === 'type' ? JOB_TYPES[v as number] ?? '?' : Number(v)]));
    printValue(ctl, cmd, json, jobText(info, cmd.bool('anystats') || cmd.bool('completed')));
    return true;
  },
});

export const domjobabort = objectCommand({
  name: 'domjobabort',
  group: 'domain',
  help: 'abort active domain job',
  desc: 'Aborts the currently running domain job',
  object: DOMAIN,
  options: [boolOpt('postcopy', 'interrupt post-copy migration')],
  async run(dom, ctl, cmd) {
    await dom.abortJob(cmd.bool('postcopy') ? DomainAbortJobFlags.POSTCOPY : 0);
    return true;
  },
});
