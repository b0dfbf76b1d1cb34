import {
  DomainControlErrorReason, DomainControlState, DomainDiskErrorCode, DomainGetHostnameFlags, DomainMemoryStatTag as Tag,
  DomainModificationImpact as Impact, DomainSetTimeFlags,
} from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { longLongOpt, nonEmptyOpt } from '../../vsh/option-values.js';
import { jsonOpt, printValue } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { boolOpt, configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

/** virsh's names of the memory counters, by DomainMemoryStatTag. */
const MEMORY_STAT_NAMES: Readonly<Record<number, string>> = {
  [Tag.SWAP_IN]: 'swap_in', [Tag.SWAP_OUT]: 'swap_out', [Tag.MAJOR_FAULT]: 'major_fault', [Tag.MINOR_FAULT]: 'minor_fault',
  [Tag.UNUSED]: 'unused', [Tag.AVAILABLE]: 'available', [Tag.USABLE]: 'usable', [Tag.ACTUAL_BALLOON]: 'actual', [Tag.RSS]: 'rss',
  [Tag.LAST_UPDATE]: 'last_update', [Tag.DISK_CACHES]: 'disk_caches', [Tag.HUGETLB_PGALLOC]: 'hugetlb_pgalloc',
  [Tag.HUGETLB_PGFAIL]: 'hugetlb_pgfail',
};

export const dommemstat: CommandDef = {
  name: 'dommemstat',
  group: 'monitor',
  help: 'get memory statistics for a domain',
  desc: 'Get memory statistics for a running domain.',
  options: [domainOpt(), { name: 'period', type: 'int', namedOnly: true, help: 'period in seconds to set collection' }, configOpt, liveOpt, currentOpt, jsonOpt],
  async run(ctl, cmd) {
    let flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    // Without an impact option a running domain's live balloon is meant.
    if (!['current', 'live', 'config'].some((o) => cmd.bool(o)) && await dom.isActive().catch(() => false)) flags |= Impact.LIVE;
    const period = cmd.int('period');
    if (period !== undefined) {
      if (period < 0) throw new VshError(`Invalid collection period value '${period}'`);
      try {
        await dom.setMemoryStatsPeriod(period, flags);
      } catch (e) {
        throw new CommandFailed('Unable to change balloon collection period.', e);
      }
      return true;
    }
    let stats;
    try {
      stats = await dom.memoryStats();
    } catch (e) {
      throw new CommandFailed(`Failed to get memory statistics for domain ${cmd.required('domain')}`, e);
    }
    const named = stats.filter((s) => MEMORY_STAT_NAMES[s.tag] !== undefined);
    printValue(ctl, cmd, Object.fromEntries(named.map((s) => [MEMORY_STAT_NAMES[s.tag]!, s.val])),
      named.map((s) => `${MEMORY_STAT_NAMES[s.tag]} ${s.val}\n`).join(''));
    return true;
  },
};

/** g_date_time_format's `%Y-%m-%d %H:%M:%S` of a UTC instant. */
function utcText(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export const domtime = objectCommand({
  name: 'domtime',
  group: 'monitor',
  help: 'domain time',
  desc: "Gets or sets the domain's system time",
  object: DOMAIN,
  check(cmd) {
    cmd.exclusive('time', 'now');
    cmd.exclusive('time', 'sync');
    cmd.exclusive('now', 'sync');
  },
  options: [
    boolOpt('now', 'set to the time of the host running virsh'),
    boolOpt('pretty', "print domain's time in human readable form"),
    boolOpt('sync', "instead of setting given time, synchronize from domain's RTC"),
    { name: 'time', type: 'int', help: 'time to set' },
    jsonOpt,
  ],
  async run(dom, ctl, cmd) {
    const time = longLongOpt(cmd, 'time');
    if (time !== undefined || cmd.bool('now') || cmd.bool('sync')) {
      const seconds = cmd.bool('now') ? BigInt(Math.floor(Date.now() / 1000)) : time ?? 0n;
      await dom.setTime({ seconds, nseconds: 0 }, cmd.bool('sync') ? DomainSetTimeFlags.SYNC : 0);
      return true;
    }
    const { seconds, nseconds } = await dom.getTime();
    printValue(ctl, cmd, { seconds, nseconds }, `Time: ${cmd.bool('pretty') ? utcText(seconds) : seconds}`);
    return true;
  },
});

const HOSTNAME_SOURCES: Readonly<Record<string, number>> = { agent: DomainGetHostnameFlags.AGENT, lease: DomainGetHostnameFlags.LEASE };

export const domhostname = objectCommand({
  name: 'domhostname',
  group: 'domain',
  help: "print the domain's hostname",
  object: DOMAIN,
  options: [{ name: 'source', type: 'string', help: "address source: 'lease' or 'agent'" }, jsonOpt],
  async run(dom, ctl, cmd) {
    const source = nonEmptyOpt(cmd, 'source');
    const flags = source === undefined ? 0 : HOSTNAME_SOURCES[source];
    if (flags === undefined) throw new VshError(`Unknown data source '${source}'`);
    let name: string;
    try {
      name = await dom.getHostname(flags);
    } catch (e) {
      throw new CommandFailed('failed to get hostname', e);
    }
    printValue(ctl, cmd, name, `${name}\n`);
    return true;
  },
});

const CONTROL_STATES = ['ok', 'background job', 'occupied', 'error'];
const CONTROL_ERRORS = ['none', 'unknown', 'monitor failure', 'internal (locking) error'];

export const domcontrol = objectCommand({
  name: 'domcontrol',
  group: 'monitor',
  help: 'domain control interface state',
  desc: 'Returns state of a control interface to the domain.',
  object: DOMAIN,
  options: [jsonOpt],
  async run(dom, ctl, cmd) {
    const info = await dom.controlInfo();
    const state = CONTROL_STATES[info.state] ?? '?';
    let text = `${state}\n`;
    if (info.state !== DomainControlState.OK && info.state !== DomainControlState.ERROR) {
      text = `${state} (${(Number(info.stateTime) / 1000).toFixed(3)}s)\n`;
    } else if (info.state === DomainControlState.ERROR && info.details > DomainControlErrorReason.NONE) {
      text = `${state}: ${CONTROL_ERRORS[info.details] ?? '?'}\n`;
    }
    printValue(ctl, cmd, { state, ...(info.state === DomainControlState.ERROR ? { reason: CONTROL_ERRORS[info.details] ?? '?' } : {}),
      stateTime: info.stateTime }, text);
    return true;
  },
});

const DISK_ERRORS: Readonly<Record<number, string>> = {
  [DomainDiskErrorCode.NONE]: 'no error', [DomainDiskErrorCode.UNSPEC]: 'unspecified error', [DomainDiskErrorCode.NO_SPACE]: 'no space',
};

export const domblkerror = objectCommand({
  name: 'domblkerror',
  group: 'monitor',
  help: 'Show errors on block devices',
  desc: 'Show block device errors',
  object: DOMAIN,
  options: [jsonOpt],
  async run(dom, ctl, cmd) {
    const errors = (await dom.diskErrors()).map((e) => ({ disk: e.disk, error: DISK_ERRORS[e.error] ?? '?' }));
    const text = errors.length === 0 ? 'No errors found\n' : errors.map((e) => `${e.disk}: ${e.error}\n`).join('');
    printValue(ctl, cmd, errors, text);
    return true;
  },
});
