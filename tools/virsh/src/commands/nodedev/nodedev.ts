import { ListNodeDevicesFlags as F, NODE_DEVICE_CAPS, type NodeDevice } from '@tsvirt/api';
import { ErrorCode, VirError } from '@tsvirt/util';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { splitCommaList } from '../../vsh/comma-list.js';
import { jsonOpt, printFields, printTable, type Column, wantsJSON } from '../../vsh/report.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';

export const deviceOpt: OptDef = {
  name: 'device', type: 'string', positional: true, required: true, help: "device name or wwn pair in 'wwnn,wwpn' format",
};

/** libvirt's virValidateWWN: sixteen hex digits, optionally after `0x`. */
function checkWWN(wwn: string): void {
  if (!/^(0x)?[0-9a-f]{16}$/i.test(wwn)) throw new VirError(ErrorCode.INTERNAL_ERROR, `Malformed wwn: ${wwn}`);
}

/** The device named by option `device`: a name, or a SCSI host by its `wwnn,wwpn` pair. */
export async function deviceArg(ctl: Ctl, cmd: ParsedCommand): Promise<NodeDevice> {
  const text = cmd.required('device');
  const parts = text.split(',');
  if (parts.length > 2) throw new VshError(`Malformed device value '${text}'`);
  const [wwnn, wwpn] = parts;
  if (wwpn !== undefined) {
    checkWWN(wwnn!);
    checkWWN(wwpn);
  }
  const conn = await ctl.connect();
  try {
    return wwpn === undefined ? await conn.nodeDeviceLookupByName(text) : await conn.nodeDeviceLookupSCSIHostByWWN(wwnn!, wwpn);
  } catch (e) {
    throw new CommandFailed(`Could not find matching device '${text}'`, e);
  }
}

/** The device named by option `device` as virsh's detach, reattach, reset and nodedev-event find it: by name only. */
export async function deviceByName(ctl: Ctl, cmd: ParsedCommand): Promise<NodeDevice> {
  const name = cmd.required('device');
  const conn = await ctl.connect();
  try {
    return await conn.nodeDeviceLookupByName(name);
  } catch (e) {
    throw new CommandFailed(`Could not find matching device '${name}'`, e);
  }
}

/** `--cap a,b`: ListNodeDevicesFlags bits for the capability names. */
function capFlags(text: string): number {
  let flags = 0;
  for (const name of splitCommaList(text)) {
    const cap = NODE_DEVICE_CAPS.find(([n]) => n === name);
    if (!cap) throw new VshError('Invalid capability type');
    flags |= cap[1];
  }
  return flags;
}

interface DeviceRow {
  readonly name: string;
  readonly parent: string | undefined;
}

/**
 * virsh's `--tree`: each device under its parent, children after a `|` spacer line and each
 * introduced by `+- `, with `|` continuing the rule while siblings follow and a blank spacer after
 * the last child of a branch.
 */
function tree(rows: readonly DeviceRow[]): string {
  let out = '';
  const walk = (row: DeviceRow, prefix: string, depth: number, last: boolean): void => {
    out += depth === 0 ? `${row.name}\n` : `${prefix}+- ${row.name}\n`;
    const inner = depth === 0 ? '' : `${prefix}${last ? ' ' : '|'} `;
    const kids = rows.filter((r) => r.parent === row.name);
    if (kids.length > 0) out += `${inner}  |\n`;
    kids.forEach((k, i) => walk(k, `${inner}  `, depth + 1, i === kids.length - 1));
    if (kids.length === 0 && last) out += `${inner}\n`;
  };
  for (const root of rows.filter((r) => r.parent === undefined || !rows.some((p) => p.name === r.parent))) walk(root, '', 0, true);
  return out;
}

const COLUMNS: readonly Column<DeviceRow>[] = [
  { title: 'Name', key: 'name', value: (r) => r.name },
  { title: 'Parent', key: 'parent', value: (r) => r.parent ?? null },
];

export const nodedevList: CommandDef = {
  name: 'nodedev-list',
  group: 'nodedev',
  help: 'enumerate devices on this host',
  options: [
    { name: 'tree', type: 'bool', help: 'list devices in a tree' },
    { name: 'cap', type: 'string', help: 'capability names, separated by comma' },
    { name: 'inactive', type: 'bool', help: 'list inactive devices' },
    { name: 'all', type: 'bool', help: 'list inactive & active devices' },
    jsonOpt,
  ],
  async run(ctl, cmd) {
    if (cmd.bool('all') && cmd.bool('inactive')) throw new VshError('Option --all is incompatible with --inactive');
    if (cmd.bool('tree') && (cmd.has('cap') || cmd.bool('inactive'))) {
      throw new VshError('Option --tree is incompatible with --cap and --inactive');
    }
    let flags = cmd.has('cap') ? capFlags(cmd.string('cap')!) : 0;
    if (cmd.bool('all')) flags |= F.ACTIVE | F.INACTIVE;
    else flags |= cmd.bool('inactive') ? F.INACTIVE : F.ACTIVE;
    const conn = await ctl.connect();
    let devs: NodeDevice[];
    try {
      devs = await conn.listAllDevices(flags >>> 0);
    } catch (e) {
      throw new CommandFailed('Failed to list node devices', e);
    }
    // virsh orders devices by name, ignoring case.
    const key = (d: NodeDevice): string => d.getName().toLowerCase();
    devs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const rows: DeviceRow[] = [];
    for (const d of devs) rows.push({ name: d.getName(), parent: await d.getParent() });
    if (wantsJSON(ctl, cmd)) printTable(ctl, cmd, COLUMNS, rows);
    else ctl.print(cmd.bool('tree') ? tree(rows) : rows.map((r) => `${r.name}\n`).join(''));
    return true;
  },
};

export const nodedevDumpxml: CommandDef = {
  name: 'nodedev-dumpxml',
  group: 'nodedev',
  help: 'node device details in XML',
  desc: 'Output the node device details as an XML dump to stdout.',
  options: [deviceOpt, ...XPATH_OPTS],
  async run(ctl, cmd) {
    const dev = await deviceArg(ctl, cmd);
    await printXML(ctl, cmd, await dev.getXMLDesc());
    return true;
  },
};

export const nodedevInfo: CommandDef = {
  name: 'nodedev-info',
  group: 'nodedev',
  help: 'node device information',
  desc: 'Returns basic information about the node device',
  options: [deviceOpt, jsonOpt],
  async run(ctl, cmd) {
    const dev = await deviceArg(ctl, cmd);
    const parent = await dev.getParent();
    // A call the driver lacks gives virsh -1, which it prints as "yes"; JSON says null.
    const state = async (get: () => Promise<boolean>): Promise<boolean | null> => {
      try {
        return await get();
      } catch {
        return null;
      }
    };
    const active = await state(() => dev.isActive());
    const persistent = await state(() => dev.isPersistent());
    const autostart = await state(() => dev.getAutostart());
    printFields(ctl, cmd, [
      { label: 'Name:', key: 'name', value: dev.getName() },
      { label: 'Parent:', key: 'parent', value: parent ?? null, text: parent ?? '' },
      { label: 'Active:', key: 'active', value: active, text: active === false ? 'no' : 'yes' },
      { label: 'Persistent:', key: 'persistent', value: persistent, text: persistent === false ? 'no' : 'yes' },
      { label: 'Autostart:', key: 'autostart', value: autostart, text: autostart === null ? 'no autostart' : autostart ? 'yes' : 'no' },
    ], 15);
    return true;
  },
};
