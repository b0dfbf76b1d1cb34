import { StorageVolInfoFlags, StorageVolType, type StorageVol } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { jsonOpt, printFields, printTable, type Column, type Field, wantsJSON } from '../../vsh/report.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { compareNames, poolOpt, volArg, type VolLookupWays, POOL } from '../../storage-lookup.js';
import { prettySize } from '../../storage-sizes.js';
import { objectCommand } from '../shared/object-command.js';

const TYPE_NAMES: Readonly<Record<number, string>> = {
  [StorageVolType.FILE]: 'file', [StorageVolType.BLOCK]: 'block', [StorageVolType.DIR]: 'dir',
  [StorageVolType.NETWORK]: 'network', [StorageVolType.NETDIR]: 'netdir', [StorageVolType.PLOOP]: 'ploop',
};
/** virsh's word for a volume type. */
export const volTypeName = (type: number): string => TYPE_NAMES[type] ?? 'unknown';

/** The `vol` option: positional, required, with the help text of each command's lookup ways. */
export const volOpt = (help = 'vol name, key or path'): OptDef => ({ name: 'vol', type: 'string', positional: true, required: true, help });
const poolOfVol = poolOpt('pool name or uuid', false);

export const volInfo: CommandDef = {
  name: 'vol-info',
  group: 'volume',
  help: 'storage vol information',
  desc: 'Returns basic information about the storage vol.',
  options: [
    volOpt(), poolOfVol,
    { name: 'bytes', type: 'bool', help: 'sizes are represented in bytes rather than pretty units' },
    { name: 'physical', type: 'bool', help: 'return the physical size of the volume in allocation field' },
    jsonOpt,
  ],
  async run(ctl, cmd) {
    const { vol } = await volArg(ctl, cmd);
    const name: Field = { label: 'Name:', key: 'name', value: vol.getName() };
    const physical = cmd.bool('physical');
    let info;
    try {
      info = physical ? await vol.getInfoFlags(StorageVolInfoFlags.GET_PHYSICAL) : await vol.getInfo();
    } catch (e) {
      // virsh has printed the name by the time the driver refuses.
      if (!wantsJSON(ctl, cmd)) printFields(ctl, cmd, [name], 15);
      throw e;
    }
    const size = (key: string, label: string, bytes: bigint): Field =>
      ({ label, key, value: bytes, text: cmd.bool('bytes') ? `${bytes} bytes` : prettySize(bytes) });
    printFields(ctl, cmd, [
      name,
      { label: 'Type:', key: 'type', value: volTypeName(info.type) },
      size('capacity', 'Capacity:', info.capacity),
      physical ? size('physical', 'Physical:', info.allocation) : size('allocation', 'Allocation:', info.allocation),
    ], 15);
    return true;
  },
};

interface VolRow {
  readonly vol: StorageVol;
  readonly path: string;
  readonly type: number;
  readonly capacity: bigint;
  readonly allocation: bigint;
}

const NAME_PATH: readonly Column<VolRow>[] = [
  { title: 'Name', key: 'name', value: (r) => r.vol.getName() },
  { title: 'Path', key: 'path', value: (r) => r.path },
];
const DETAILS: readonly Column<VolRow>[] = [
  ...NAME_PATH,
  { title: 'Type', key: 'type', value: (r) => volTypeName(r.type) },
  { title: 'Capacity', key: 'capacity', value: (r) => r.capacity, text: (r) => prettySize(r.capacity) },
  { title: 'Allocation', key: 'allocation', value: (r) => r.allocation, text: (r) => prettySize(r.allocation) },
];

export const volList = objectCommand({
  name: 'vol-list',
  group: 'volume',
  help: 'list vols',
  desc: 'Returns list of vols by pool.',
  object: POOL,
  options: [{ name: 'details', type: 'bool', help: 'display extended details for volumes' }, jsonOpt],
  async run(pool, ctl, cmd) {
    let vols: StorageVol[];
    try {
      vols = await pool.listAllVolumes();
    } catch (e) {
      throw new CommandFailed('Failed to list volumes', e);
    }
    vols.sort(compareNames);
    const rows: VolRow[] = [];
    for (const vol of vols) rows.push({ vol, path: await vol.getPath(), ...(await vol.getInfo()) });
    printTable(ctl, cmd, cmd.bool('details') || wantsJSON(ctl, cmd) ? DETAILS : NAME_PATH, rows);
    return true;
  },
});

/** vol-name, vol-key, vol-path: find a volume the ways given and print one fact of it. */
function volFact(name: string, help: string, volHelp: string, ways: VolLookupWays, withPool: boolean,
  show: (vol: StorageVol) => Promise<string> | string): CommandDef {
  return {
    name,
    group: 'volume',
    help,
    options: withPool ? [volOpt(volHelp), poolOfVol] : [volOpt(volHelp)],
    async run(ctl, cmd) {
      const { vol } = await volArg(ctl, cmd, { ways });
      ctl.print(`${await show(vol)}\n`);
      return true;
    },
  };
}

export const volName = volFact('vol-name', 'returns the volume name for a given volume key or path', 'volume key or path',
  { byKey: true }, false, (vol) => vol.getName());
export const volKey = volFact('vol-key', 'returns the volume key for a given volume name or path', 'volume name or path',
  { byName: true }, true, (vol) => vol.getKey());
export const volPath = volFact('vol-path', 'returns the volume path for a given volume name or key', 'volume name or key',
  { byName: true, byKey: true }, true, (vol) => vol.getPath());

export const volPool: CommandDef = {
  name: 'vol-pool',
  group: 'volume',
  help: 'returns the storage pool for a given volume key or path',
  options: [volOpt('volume key or path'), { name: 'uuid', type: 'bool', help: 'return the pool uuid rather than pool name' }],
  async run(ctl, cmd) {
    const { vol } = await volArg(ctl, cmd, { ways: { byKey: true } });
    let pool;
    try {
      pool = await vol.storagePoolLookupByVolume();
    } catch (e) {
      throw new CommandFailed('failed to get parent pool', e);
    }
    ctl.print(`${cmd.bool('uuid') ? pool.getUUIDString() : pool.getName()}\n`);
    return true;
  },
};

export const volDumpxml: CommandDef = {
  name: 'vol-dumpxml',
  group: 'volume',
  help: 'vol information in XML',
  desc: 'Output the vol information as an XML dump to stdout.',
  options: [volOpt(), poolOfVol, ...XPATH_OPTS],
  async run(ctl, cmd) {
    const { vol } = await volArg(ctl, cmd);
    await printXML(ctl, cmd, await vol.getXMLDesc());
    return true;
  },
};
