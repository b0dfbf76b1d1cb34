import { StoragePoolState, StorageXMLFlags } from '@tsvirt/api';
import { jsonOpt, printFields, type Field } from '../../vsh/report.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { POOL, type PoolLookupWays } from '../../storage-lookup.js';
import { objectCommand } from '../shared/object-command.js';
import { prettySize } from '../../storage-sizes.js';

const STATE_NAMES: Readonly<Record<number, string>> = {
  [StoragePoolState.INACTIVE]: 'inactive',
  [StoragePoolState.BUILDING]: 'building',
  [StoragePoolState.RUNNING]: 'running',
  [StoragePoolState.DEGRADED]: 'degraded',
  [StoragePoolState.INACCESSIBLE]: 'inaccessible',
};

/** virsh's word for a pool state. */
export function poolStateName(state: number): string {
  return STATE_NAMES[state] ?? 'unknown';
}

export const poolInfo = objectCommand({
  name: 'pool-info',
  group: 'pool',
  help: 'storage pool information',
  desc: 'Returns basic information about the storage pool.',
  object: POOL,
  options: [{ name: 'bytes', type: 'bool', help: 'Return pool info in bytes' }, jsonOpt],
  async run(pool, ctl, cmd) {
    const info = await pool.getInfo();
    const yesNo = (key: string, label: string, v: boolean): Field => ({ label, key, value: v, text: v ? 'yes' : 'no' });
    const fields: Field[] = [
      { label: 'Name:', key: 'name', value: pool.getName() },
      { label: 'UUID:', key: 'uuid', value: pool.getUUIDString() },
      { label: 'State:', key: 'state', value: poolStateName(info.state) },
      yesNo('persistent', 'Persistent:', await pool.isPersistent()),
      yesNo('autostart', 'Autostart:', await pool.getAutostart()),
    ];
    // A stopped pool's sizes mean nothing: virsh leaves them out.
    if (info.state !== StoragePoolState.INACTIVE) {
      const size = (key: string, label: string, bytes: bigint): Field =>
        ({ label, key, value: bytes, text: cmd.bool('bytes') ? String(bytes) : prettySize(bytes) });
      fields.push(size('capacity', 'Capacity:', info.capacity), size('allocation', 'Allocation:', info.allocation),
        size('available', 'Available:', info.available));
    }
    printFields(ctl, cmd, fields, 15);
  },
});

/** pool-name and pool-uuid: look a pool up the other way and print this one. */
function conversion(name: string, help: string, ways: PoolLookupWays, show: 'name' | 'uuid') {
  return objectCommand({
    name,
    group: 'pool',
    help,
    object: POOL,
    ways,
    async run(pool, ctl) {
      ctl.print(`${show === 'name' ? pool.getName() : pool.getUUIDString()}\n`);
    },
  });
}

export const poolName = conversion('pool-name', 'convert a pool UUID to pool name', { byUUID: true }, 'name');
export const poolUUID = conversion('pool-uuid', 'convert a pool name to pool UUID', { byName: true }, 'uuid');

export const poolDumpxml = objectCommand({
  name: 'pool-dumpxml',
  group: 'pool',
  help: 'pool information in XML',
  desc: 'Output the pool information as an XML dump to stdout.',
  object: POOL,
  options: [{ name: 'inactive', type: 'bool', help: 'show inactive defined XML' }, ...XPATH_OPTS],
  async run(pool, ctl, cmd) {
    await printXML(ctl, cmd, await pool.getXMLDesc(cmd.bool('inactive') ? StorageXMLFlags.INACTIVE : 0));
  },
});
