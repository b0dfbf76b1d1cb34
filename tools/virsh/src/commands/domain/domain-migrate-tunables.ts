import { DomainMigrateMaxSpeedFlags } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { ullOpt } from '../../vsh/option-values.js';
import { jsonOpt, printValue } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';
import { prettyCapacity } from '../domain-monitor/domain-stats.js';
import { objectCommand } from '../shared/object-command.js';

const postcopyFlag = (on: boolean): number => (on ? DomainMigrateMaxSpeedFlags.POSTCOPY : 0);

export const migrateSetmaxdowntime = objectCommand({
  name: 'migrate-setmaxdowntime',
  group: 'domain',
  help: 'set maximum tolerable downtime',
  desc: 'Set maximum tolerable downtime of a domain which is being live-migrated to another host.',
  object: DOMAIN,
  options: [
    { name: 'downtime', type: 'int', positional: true, required: true, help: 'maximum tolerable downtime (in milliseconds) for migration' },
  ],
  async run(dom, ctl, cmd) {
    const downtime = ullOpt(cmd, 'downtime')!;
    if (downtime < 1n) throw new VshError('migrate: Invalid downtime');
    await dom.migrateSetMaxDowntime(downtime);
    return true;
  },
});

export const migrateGetmaxdowntime: CommandDef = {
  name: 'migrate-getmaxdowntime',
  group: 'domain',
  help: 'get maximum tolerable downtime',
  desc: 'Get maximum tolerable downtime of a domain which is being live-migrated to another host.',
  options: [domainOpt(), jsonOpt],
  async run(ctl, cmd) {
    const downtime = await (await domainArg(ctl, cmd)).migrateGetMaxDowntime();
    printValue(ctl, cmd, downtime, `${downtime}\n`);
    return true;
  },
};

export const migrateCompcache = objectCommand({
  name: 'migrate-compcache',
  group: 'domain',
  help: 'get/set compression cache size',
  desc: 'Get/set size of the cache (in bytes) used for compressing repeatedly transferred memory pages during live migration.',
  object: DOMAIN,
  options: [{ name: 'size', type: 'int', namedOnly: true, help: 'requested size of the cache (in bytes) used for compression' }, jsonOpt],
  async run(dom, ctl, cmd) {
    const size = ullOpt(cmd, 'size');
    if (size !== undefined) await dom.migrateSetCompressionCache(size);
    const now = await dom.migrateGetCompressionCache();
    printValue(ctl, cmd, now, `Compression cache: ${prettyCapacity(Number(now))}\n`);
    return true;
  },
});

export const migrateSetspeed = objectCommand({
  name: 'migrate-setspeed',
  group: 'domain',
  help: 'Set the maximum migration bandwidth',
  desc: 'Set the maximum migration bandwidth (in MiB/s) for a domain which is being migrated to another host.',
  object: DOMAIN,
  options: [
    { name: 'bandwidth', type: 'int', positional: true, required: true, help: 'migration bandwidth limit in MiB/s' },
    boolOpt('postcopy', 'set post-copy migration bandwidth'),
  ],
  async run(dom, ctl, cmd) {
    await dom.migrateSetMaxSpeed(ullOpt(cmd, 'bandwidth', true)!, postcopyFlag(cmd.bool('postcopy')));
    return true;
  },
});

export const migrateGetspeed = objectCommand({
  name: 'migrate-getspeed',
  group: 'domain',
  help: 'Get the maximum migration bandwidth',
  desc: 'Get the maximum migration bandwidth (in MiB/s) for a domain.',
  object: DOMAIN,
  options: [boolOpt('postcopy', 'get post-copy migration bandwidth'), jsonOpt],
  async run(dom, ctl, cmd) {
    const bandwidth = await dom.migrateGetMaxSpeed(postcopyFlag(cmd.bool('postcopy')));
    printValue(ctl, cmd, bandwidth, `${bandwidth}\n`);
    return true;
  },
});

export const migratePostcopy: CommandDef = {
  name: 'migrate-postcopy',
  group: 'domain',
  help: 'Switch running migration from pre-copy to post-copy',
  desc: 'Switch running migration from pre-copy to post-copy. The migration must have been started with --postcopy option.',
  options: [domainOpt()],
  async run(ctl, cmd) {
    await (await domainArg(ctl, cmd)).migrateStartPostCopy();
    return true;
  },
};
