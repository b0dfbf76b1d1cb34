import { TypedParameterType, type Domain, type DomainCPUStats, type TypedParameter } from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import { jsonOpt, printValue, type JSONValue } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

/** virsh asks for at most this many CPUs a call. */
const CPUS_PER_CALL = 128;

const TIMES = new Set(['cpu_time', 'vcpu_time', 'user_time', 'system_time']);

/** One `\tNAME VALUE` line; times in ns are shown as seconds with nine decimals. */
function statLine(p: TypedParameter): string {
  const value = TIMES.has(p.field) && p.type === TypedParameterType.ULLONG
    ? `${String(p.value / 1000000000n).padStart(9)}.${String(p.value % 1000000000n).padStart(9, '0')} seconds`
    : typedParamText(p);
  return `\t${p.field.padEnd(12)} ${value}\n`;
}

async function stats(dom: Domain, start: number, count: number): Promise<DomainCPUStats> {
  try {
    return await dom.getCPUStats(start, count);
  } catch (e) {
    throw new CommandFailed(`Failed to retrieve CPU statistics for domain '${dom.getName()}'`, e);
  }
}

/** What cpu-stats shows: virsh's text and the same facts for --json. */
interface Shown {
  text: string;
  readonly json: Record<string, JSONValue>;
}

/** Per-CPU counters of CPUs `start` .. `start + count - 1`, the ones outside the host's map left out. */
async function perCpu(out: Shown, dom: Domain, start: number, count: number | undefined): Promise<void> {
  const { cpus } = await stats(dom, 0, 0);
  if (start >= cpus) throw new VshError(`Start CPU ${start} is out of range (min: 0, max: ${cpus - 1})`);
  let left = count ?? cpus - start;
  if (count !== undefined && count > cpus) {
    out.text += `Only ${cpus} CPUs available to show\n`;
    left = cpus - start;
  }
  const shown: JSONValue[] = [];
  for (let cpu = start; left > 0; cpu += CPUS_PER_CALL, left -= CPUS_PER_CALL) {
    (await stats(dom, cpu, Math.min(left, CPUS_PER_CALL))).stats.forEach((params, i) => {
      if (params.length === 0) return;
      out.text += `CPU${cpu + i}:\n${params.map(statLine).join('')}`;
      shown.push({ cpu: cpu + i, stats: typedParamsJSON(params) });
    });
  }
  out.json['perCpu'] = shown;
}

export const cpuStats = objectCommand({
  name: 'cpu-stats',
  group: 'domain',
  help: 'show domain cpu statistics',
  desc: "Display per-CPU and total statistics about the domain's CPUs",
  object: DOMAIN,
  options: [
    boolOpt('total', 'Show total statistics only'),
    { name: 'start', type: 'int', help: 'Show statistics from this CPU' },
    { name: 'count', type: 'int', help: 'Number of shown CPUs at most' },
    jsonOpt,
  ],
  async run(dom, ctl, cmd) {
    const start = cmd.int('start');
    if (start !== undefined && start < 0) throw new VshError('Invalid value for start CPU');
    const count = cmd.int('count');
    if (count !== undefined && count < 0) throw new VshError('Invalid value for number of CPUs to show');
    const perCpuAsked = start !== undefined || count !== undefined;
    const out: Shown = { text: '', json: {} };
    if (perCpuAsked || !cmd.bool('total')) await perCpu(out, dom, start ?? 0, count);
    if (!perCpuAsked || cmd.bool('total')) {
      const [total = []] = (await stats(dom, -1, 1)).stats;
      out.text += `Total:\n${total.map(statLine).join('')}`;
      out.json['total'] = typedParamsJSON(total);
    }
    printValue(ctl, cmd, out.json, out.text);
    return true;
  },
});
