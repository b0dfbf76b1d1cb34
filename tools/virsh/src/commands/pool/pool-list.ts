import { ListStoragePoolsFlags as F, StoragePoolState, type StoragePool } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { jsonOpt, printTable, type Column, selectColumns, wantsJSON } from '../../vsh/report.js';
import { compareNames, optionalString } from '../../storage-lookup.js';
import { prettySize } from '../../storage-sizes.js';
import { poolStateName } from './pool-info.js';

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

/** The filter options after --inactive and --all, each adding its flag. */
const FILTERS: ReadonlyArray<[string, number, string]> = [
  ['transient', F.TRANSIENT, 'list transient pools'],
  ['persistent', F.PERSISTENT, 'list persistent pools'],
  ['autostart', F.AUTOSTART, 'list pools with autostart enabled'],
  ['no-autostart', F.NO_AUTOSTART, 'list pools with autostart disabled'],
];

/** The type bit of each pool type --type accepts. */
const TYPE_BITS: Readonly<Record<string, number>> = {
  dir: F.DIR, fs: F.FS, netfs: F.NETFS, logical: F.LOGICAL, disk: F.DISK, iscsi: F.ISCSI, 'iscsi-direct': F.ISCSI_DIRECT,
  scsi: F.SCSI, mpath: F.MPATH, rbd: F.RBD, sheepdog: F.SHEEPDOG, gluster: F.GLUSTER, zfs: F.ZFS, vstorage: F.VSTORAGE,
};

/** virsh's list of words: split at commas, a doubled comma standing for a comma itself. */
export function splitCommaList(text: string): string[] {
  return text.split(/(?<!,),(?!,)/).map((w) => w.replace(/,,/g, ','));
}

interface PoolRow {
  readonly pool: StoragePool;
  readonly state: number;
  readonly autostart: boolean;
  readonly persistent: boolean;
  readonly capacity: bigint;
  readonly allocation: bigint;
  readonly available: bigint;
}

const yesNo = (v: boolean): string => (v ? 'yes' : 'no');
const running = (r: PoolRow): boolean => r.state !== StoragePoolState.INACTIVE;
/** A size column: `-` for a stopped pool, whose sizes virsh does not show. */
const size = (title: string, key: 'capacity' | 'allocation' | 'available'): Column<PoolRow> => ({
  title, key, value: (r) => (running(r) ? r[key] : null), text: (r) => (running(r) ? prettySize(r[key]) : '-'),
});

const BASIC: readonly Column<PoolRow>[] = [
  { title: 'Name', key: 'name', value: (r) => r.pool.getName() },
  { title: 'UUID', key: 'uuid', value: (r) => r.pool.getUUIDString(), jsonOnly: true },
  { title: 'State', key: 'state', value: (r) => poolStateName(r.state), text: (r) => (running(r) ? 'active' : 'inactive') },
  { title: 'Autostart', key: 'autostart', value: (r) => r.autostart, text: (r) => yesNo(r.autostart) },
];
const DETAILS: readonly Column<PoolRow>[] = [
  ...BASIC.slice(0, 2),
  { title: 'State', key: 'state', value: (r) => poolStateName(r.state) },
  BASIC[3]!,
  { title: 'Persistent', key: 'persistent', value: (r) => r.persistent, text: (r) => yesNo(r.persistent) },
  size('Capacity', 'capacity'),
  size('Allocation', 'allocation'),
  size('Available', 'available'),
];

export const poolList: CommandDef = {
  name: 'pool-list',
  group: 'pool',
  help: 'list pools',
  desc: 'Returns list of pools.',
  options: [
    bool('inactive', 'list inactive pools'),
    bool('all', 'list inactive & active pools'),
    ...FILTERS.map(([n, , h]) => bool(n, h)),
    { name: 'type', type: 'string', help: 'only list pool of specified type(s) (if supported)' },
    bool('details', 'display extended details for pools'),
    bool('uuid', 'list UUID of active pools only'),
    bool('name', 'list name of active pools only'),
    jsonOpt,
  ],
  async run(ctl, cmd) {
    cmd.exclusive('all', 'inactive');
    cmd.exclusive('details', 'uuid');
    cmd.exclusive('details', 'name');
    let flags: number = cmd.bool('all') ? F.ACTIVE | F.INACTIVE : cmd.bool('inactive') ? F.INACTIVE : F.ACTIVE;
    for (const [name, bits] of FILTERS) if (cmd.bool(name)) flags |= bits;
    const types = optionalString(cmd, 'type');
    if (types !== undefined) {
      for (const t of splitCommaList(types)) {
        const bit = TYPE_BITS[t];
        if (bit === undefined) throw new VshError(`Invalid pool type '${t}'`);
        flags |= bit;
      }
    }
    const pools = (await (await ctl.connect()).listAllStoragePools(flags)).sort(compareNames);
    const byUUID = cmd.bool('uuid');
    const names = cmd.bool('name');
    if ((byUUID || names) && wantsJSON(ctl, cmd)) {
      const rows = pools.map((pool) => ({ pool, state: 0, capacity: 0n, allocation: 0n, available: 0n, autostart: false, persistent: false }));
      printTable(ctl, cmd, selectColumns(BASIC, [...(byUUID ? ['uuid'] : []), ...(names ? ['name'] : [])]), rows);
      return true;
    }
    if (byUUID || names) {
      for (const p of pools) {
        const parts = [...(byUUID ? [p.getUUIDString()] : []), ...(names ? [p.getName().padEnd(20)] : [])];
        ctl.print(`${parts.join(' ')}\n`);
      }
      return true;
    }
    const rows: PoolRow[] = [];
    for (const pool of pools) {
      const info = await pool.getInfo();
      rows.push({ pool, ...info, autostart: await pool.getAutostart(), persistent: await pool.isPersistent() });
    }
    printTable(ctl, cmd, cmd.bool('details') || wantsJSON(ctl, cmd) ? DETAILS : BASIC, rows);
    return true;
  },
};
