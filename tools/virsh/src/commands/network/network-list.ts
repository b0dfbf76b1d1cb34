import { ListNetworksFlags as F, type Network } from '@tsvirt/api';
import { strcasecmp } from '../../vsh/strcasecmp.js';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { jsonOpt, printTable, type Column, selectColumns, wantsJSON } from '../../vsh/report.js';

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

/** The filter options after --inactive and --all, each adding its flag. */
const FILTERS: ReadonlyArray<[string, number, string]> = [
  ['persistent', F.PERSISTENT, 'list persistent networks'],
  ['transient', F.TRANSIENT, 'list transient networks'],
  ['autostart', F.AUTOSTART, 'list networks with autostart enabled'],
  ['no-autostart', F.NO_AUTOSTART, 'list networks with autostart disabled'],
];

interface NetworkRow {
  readonly net: Network;
  readonly active: boolean;
  readonly autostart: boolean;
  readonly persistent: boolean;
}

const yesNo = (v: boolean): string => (v ? 'yes' : 'no');
const COLUMNS: readonly Column<NetworkRow>[] = [
  { title: 'Name', key: 'name', value: (r) => r.net.getName() },
  { title: 'UUID', key: 'uuid', value: (r) => r.net.getUUIDString(), jsonOnly: true },
  { title: 'State', key: 'active', value: (r) => r.active, text: (r) => (r.active ? 'active' : 'inactive') },
  { title: 'Autostart', key: 'autostart', value: (r) => r.autostart, text: (r) => yesNo(r.autostart) },
  { title: 'Persistent', key: 'persistent', value: (r) => r.persistent, text: (r) => yesNo(r.persistent) },
];

/** virsh sorts networks by name, ignoring case. */
function byName(a: Network, b: Network): number {
  return strcasecmp(a.getName(), b.getName());
}

export const netList: CommandDef = {
  name: 'net-list',
  group: 'network',
  help: 'list networks',
  desc: 'Returns list of networks.',
  options: [
    bool('inactive', 'list inactive networks'),
    bool('all', 'list inactive & active networks'),
    ...FILTERS.map(([n, , h]) => bool(n, h)),
    bool('uuid', "list uuid's only"),
    bool('name', 'list network names only'),
    bool('table', 'list table (default)'),
    jsonOpt,
  ],
  async run(ctl, cmd) {
    if ([cmd.bool('table'), cmd.bool('name'), cmd.bool('uuid')].filter(Boolean).length > 1) {
      throw new VshError('Only one argument from --table, --name and --uuid may be specified.');
    }
    // Active networks unless --inactive or --all say otherwise; the other filters narrow that.
    let flags: number = cmd.bool('all') ? F.ACTIVE | F.INACTIVE : cmd.bool('inactive') ? F.INACTIVE : F.ACTIVE;
    for (const [name, bits] of FILTERS) if (cmd.bool(name)) flags |= bits;
    const nets = (await (await ctl.connect()).listAllNetworks(flags)).sort(byName);
    if ((cmd.bool('name') || cmd.bool('uuid')) && wantsJSON(ctl, cmd)) {
      const rows = nets.map((net) => ({ net, active: false, autostart: false, persistent: false }));
      printTable(ctl, cmd, selectColumns(COLUMNS, [cmd.bool('uuid') ? 'uuid' : 'name']), rows);
      return true;
    }
    if (cmd.bool('name') || cmd.bool('uuid')) {
      for (const n of nets) ctl.print(`${cmd.bool('uuid') ? n.getUUIDString() : n.getName()}\n`);
      return true;
    }
    const rows: NetworkRow[] = [];
    for (const net of nets) {
      rows.push({ net, active: await net.isActive(), autostart: await net.getAutostart(), persistent: await net.isPersistent() });
    }
    printTable(ctl, cmd, COLUMNS, rows);
    return true;
  },
};
