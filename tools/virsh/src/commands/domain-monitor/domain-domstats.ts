import { ConnectGetAllDomainStatsFlags as F, DomainStatsTypes as S, ListDomainsFlags as L } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { jsonOpt, printValue } from '../../vsh/report.js';
import { typedParamText, typedParamsJSON } from '../../vsh/typed-param-text.js';
import { lookupDomain } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';

const GROUPS: ReadonlyArray<[string, number, string]> = [
  ['state', S.STATE, 'report domain state'],
  ['cpu-total', S.CPU_TOTAL, 'report domain physical cpu usage'],
  ['balloon', S.BALLOON, 'report domain balloon statistics'],
  ['vcpu', S.VCPU, 'report domain virtual cpu information'],
  ['interface', S.INTERFACE, 'report domain network interface information'],
  ['block', S.BLOCK, 'report domain block device statistics'],
  ['perf', S.PERF, 'report domain perf event statistics'],
  ['iothread', S.IOTHREAD, 'report domain IOThread information'],
  ['memory', S.MEMORY, 'report domain memory usage'],
  ['dirtyrate', S.DIRTYRATE, 'report domain dirty rate information'],
  ['vm', S.VM, 'report hypervisor-specific statistics'],
];

const FILTERS: ReadonlyArray<[string, number, string]> = [
  ['list-active', L.ACTIVE, 'list only active domains'],
  ['list-inactive', L.INACTIVE, 'list only inactive domains'],
  ['list-persistent', L.PERSISTENT, 'list only persistent domains'],
  ['list-transient', L.TRANSIENT, 'list only transient domains'],
  ['list-running', L.RUNNING, 'list only running domains'],
  ['list-paused', L.PAUSED, 'list only paused domains'],
  ['list-shutoff', L.SHUTOFF, 'list only shutoff domains'],
  ['list-other', L.OTHER, 'list only domains in other states'],
];

const MODIFIERS: ReadonlyArray<[string, number, string]> = [
  ['raw', 0, 'do not pretty-print the fields'],
  ['enforce', F.ENFORCE_STATS, 'enforce requested stats parameters'],
  ['backing', F.BACKING, 'add backing chain information to block stats'],
  ['nowait', F.NOWAIT, 'report only stats that are accessible instantly'],
];

const bits = (cmd: Parameters<CommandDef['run']>[1], table: ReadonlyArray<[string, number, string]>): number =>
  table.reduce((acc, [name, bit]) => (cmd.bool(name) ? (acc | bit) >>> 0 : acc), 0);

export const domstats: CommandDef = {
  name: 'domstats',
  group: 'monitor',
  help: 'get statistics about one or multiple domains',
  desc: 'Gets statistics about one or more (or all) domains',
  options: [
    ...[...GROUPS, ...FILTERS, ...MODIFIERS].map(([name, , help]) => boolOpt(name, help)),
    { name: 'domain', type: 'argv', help: 'list of domains to get stats for' },
    jsonOpt,
  ],
  async run(ctl, cmd) {
    const conn = await ctl.connect();
    const stats = bits(cmd, GROUPS);
    const flags = (bits(cmd, FILTERS) | bits(cmd, MODIFIERS)) >>> 0;
    const names = cmd.argv('domain');
    const records = names.length > 0
      ? await conn.domainListGetStats(await Promise.all(names.map((n) => lookupDomain(conn, n))), stats, flags)
      : await conn.getAllDomainStats(stats, flags);
    const text = records.map((r) => `Domain: '${r.domain.getName()}'\n${r.params.map((p) => `  ${p.field}=${typedParamText(p)}\n`).join('')}`);
    printValue(ctl, cmd, records.map((r) => ({ domain: r.domain.getName(), stats: typedParamsJSON(r.params) })), text.join('\n'));
    return true;
  },
};
