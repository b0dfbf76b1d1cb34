import { DomainState, DomainXMLFlags, ListDomainsFlags as F, type Domain } from '@tsvirt/api';
import { parseDomainXML } from '@tsvirt/conf';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { jsonOpt, printTable, type Column, selectColumns, wantsJSON } from '../../vsh/report.js';
import { stateName } from '../../state-names.js';
import { strcasecmp } from '../../vsh/strcasecmp.js';

const FILTERS: ReadonlyArray<[string, number, string]> = [
  ['inactive', F.INACTIVE, 'list inactive domains'],
  ['all', F.ACTIVE | F.INACTIVE, 'list inactive & active domains'],
  ['transient', F.TRANSIENT, 'list transient domains'],
  ['persistent', F.PERSISTENT, 'list persistent domains'],
  ['with-snapshot', F.HAS_SNAPSHOT, 'list domains with existing snapshot'],
  ['without-snapshot', F.NO_SNAPSHOT, 'list domains without a snapshot'],
  ['with-checkpoint', F.HAS_CHECKPOINT, 'list domains with existing checkpoint'],
  ['without-checkpoint', F.NO_CHECKPOINT, 'list domains without a checkpoint'],
  ['state-running', F.RUNNING, 'list domains in running state'],
  ['state-paused', F.PAUSED, 'list domains in paused state'],
  ['state-shutoff', F.SHUTOFF, 'list domains in shutoff state'],
  ['state-other', F.OTHER, 'list domains in other states'],
  ['autostart', F.AUTOSTART, 'list domains with autostart enabled'],
  ['no-autostart', F.NO_AUTOSTART, 'list domains with autostart disabled'],
  ['with-managed-save', F.MANAGEDSAVE, 'list domains with managed save state'],
  ['without-managed-save', F.NO_MANAGEDSAVE, 'list domains without managed save'],
];

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

async function domainTitle(d: Domain): Promise<string> {
  const active = await d.isActive();
  const def = parseDomainXML(await d.getXMLDesc(active ? 0 : DomainXMLFlags.INACTIVE));
  return def.title ?? '';
}

/** virsh's order: running domains by id, then inactive ones by name. */
function sortDomains(doms: Domain[]): Domain[] {
  const key = (d: Domain): number => (d.getID() < 0 ? Number.MAX_SAFE_INTEGER : d.getID());
  return doms.sort((a, b) => key(a) - key(b) || strcasecmp(a.getName(), b.getName()));
}

interface ListRow {
  readonly dom: Domain;
  readonly state: string;
  readonly title: string;
}

const COLUMNS: readonly Column<ListRow>[] = [
  { title: 'Id', key: 'id', value: (r) => (r.dom.getID() < 0 ? null : r.dom.getID()), text: (r) => (r.dom.getID() < 0 ? '-' : String(r.dom.getID())) },
  { title: 'Name', key: 'name', value: (r) => r.dom.getName() },
  { title: 'UUID', key: 'uuid', value: (r) => r.dom.getUUIDString(), jsonOnly: true },
  { title: 'State', key: 'state', value: (r) => r.state },
];
const TITLE: Column<ListRow> = { title: 'Title', key: 'title', value: (r) => r.title };

export const list: CommandDef = {
  name: 'list',
  group: 'monitor',
  help: 'list domains',
  desc: 'Returns list of domains.',
  options: [
    ...FILTERS.map(([n, , h]) => bool(n, h)),
    bool('uuid', "list uuid's only"),
    bool('name', 'list domain names only'),
    bool('id', 'list domain IDs only'),
    bool('table', 'list table (default)'),
    bool('managed-save', 'mark inactive domains with managed save state'),
    bool('title', 'show domain title'),
    jsonOpt,
  ],
  async run(ctl, cmd) {
    cmd.exclusive('table', 'name');
    cmd.exclusive('table', 'uuid');
    cmd.exclusive('table', 'id');
    // Active domains unless --inactive or --all say otherwise; every other filter narrows that.
    let flags: number = cmd.bool('all') ? F.ACTIVE | F.INACTIVE : cmd.bool('inactive') ? F.INACTIVE : F.ACTIVE;
    for (let i = 2; i < FILTERS.length; i++) if (cmd.bool(FILTERS[i]![0])) flags |= FILTERS[i]![1];
    const conn = ctl.openConnection ?? await ctl.connect();
    const doms = sortDomains(await conn.listAllDomains(flags));

    const byName = cmd.bool('name');
    const byUUID = cmd.bool('uuid');
    const byId = cmd.bool('id');
    const selected = [byId && 'id', byUUID && 'uuid', byName && 'name'].filter((k) => typeof k === 'string');
    if (selected.length > 0 && wantsJSON(ctl, cmd)) {
      const shown = byId ? doms.filter((d) => d.getID() >= 0) : doms;
      printTable(ctl, cmd, selectColumns(COLUMNS, selected), shown.map((dom) => ({ dom, state: '', title: '' })));
      return true;
    }
    if (selected.length > 0) {
      for (const d of doms) {
        if (byId && d.getID() < 0) continue;
        const parts: string[] = [];
        if (byId) parts.push(String(d.getID()));
        if (byUUID) parts.push(d.getUUIDString());
        if (byName) parts.push(d.getName());
        ctl.print(parts.join(' ') + '\n');
      }
      return true;
    }

    const rows: ListRow[] = [];
    for (const d of doms) {
      const state = (await d.getState())[0];
      const managed = cmd.bool('managed-save') && state === DomainState.SHUTOFF && (await d.hasManagedSaveImage());
      rows.push({ dom: d, state: managed ? 'saved' : stateName(state), title: cmd.bool('title') ? await domainTitle(d) : '' });
    }
    printTable(ctl, cmd, cmd.bool('title') ? [...COLUMNS, TITLE] : COLUMNS, rows);
    return true;
  },
};
