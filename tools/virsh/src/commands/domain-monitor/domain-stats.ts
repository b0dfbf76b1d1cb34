import type { DomainBlockInfo } from '@tsvirt/api';
import { attr } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { jsonOpt, printFields, printTable, printValue, type Column } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { childAttr, diskSource, domainDevices, interfaceSource } from '../../domain-devices-xml.js';
import { boolOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';

const inactiveOpt = boolOpt('inactive', 'get inactive rather than running configuration');

interface DiskRow { type: string; device: string; target: string; source: string | null }

export const domblklist = objectCommand({
  name: 'domblklist',
  group: 'monitor',
  help: 'list all domain blocks',
  desc: 'Get the summary of block devices for a domain.',
  object: DOMAIN,
  options: [inactiveOpt, boolOpt('details', 'additionally display the type and device value'), jsonOpt],
  async run(dom, ctl, cmd) {
    const rows: DiskRow[] = (await domainDevices(dom, 'disk', cmd.bool('inactive'))).map((d) => ({
      type: attr(d, 'type') ?? '',
      device: attr(d, 'device') ?? 'disk',
      target: childAttr(d, 'target', 'dev') ?? '',
      source: diskSource(d) ?? null,
    }));
    const details = cmd.bool('details');
    const columns: Column<DiskRow>[] = [
      { title: 'Type', key: 'type', value: (r) => r.type, jsonOnly: !details },
      { title: 'Device', key: 'device', value: (r) => r.device, jsonOnly: !details },
      { title: 'Target', key: 'target', value: (r) => r.target },
      { title: 'Source', key: 'source', value: (r) => r.source, text: (r) => r.source ?? '-' },
    ];
    printTable(ctl, cmd, columns, rows);
    return true;
  },
});

interface InterfaceRow { name: string | null; type: string; source: string | null; model: string | null; mac: string | null }

const orDash = (v: string | null): string => v ?? '-';

export const domiflist = objectCommand({
  name: 'domiflist',
  group: 'monitor',
  help: 'list all domain virtual interfaces',
  desc: 'Get the summary of virtual interfaces for a domain.',
  object: DOMAIN,
  options: [inactiveOpt, jsonOpt],
  async run(dom, ctl, cmd) {
    const rows: InterfaceRow[] = (await domainDevices(dom, 'interface', cmd.bool('inactive'))).map((i) => ({
      name: childAttr(i, 'target', 'dev') ?? null,
      type: attr(i, 'type') ?? '',
      source: interfaceSource(i) ?? null,
      model: childAttr(i, 'model', 'type') ?? null,
      mac: childAttr(i, 'mac', 'address') ?? null,
    }));
    printTable(ctl, cmd, [
      { title: 'Interface', key: 'interface', value: (r) => r.name, text: (r) => orDash(r.name) },
      { title: 'Type', key: 'type', value: (r) => r.type },
      { title: 'Source', key: 'source', value: (r) => r.source, text: (r) => orDash(r.source) },
      { title: 'Model', key: 'model', value: (r) => r.model, text: (r) => orDash(r.model) },
      { title: 'MAC', key: 'mac', value: (r) => r.mac, text: (r) => orDash(r.mac) },
    ], rows);
    return true;
  },
});

/** One counter: its name in virsh's plain output, its --human label and its JSON key. */
type Counter = readonly [field: string, label: string, key: string];

const BLOCK_COUNTERS: readonly Counter[] = [
  ['rd_req', 'number of read operations:', 'rdReq'],
  ['rd_bytes', 'number of bytes read:', 'rdBytes'],
  ['wr_req', 'number of write operations:', 'wrReq'],
  ['wr_bytes', 'number of bytes written:', 'wrBytes'],
  ['errs', 'error count:', 'errs'],
];

const INTERFACE_COUNTERS: readonly Counter[] = ['rx', 'tx'].flatMap((dir) =>
  ['bytes', 'packets', 'errs', 'drop'].map((what): Counter => [`${dir}_${what}`, '', `${dir}${what[0]!.toUpperCase()}${what.slice(1)}`]));

/** Prints counters as `DEVICE field value` lines (or --human's labelled block); -1 means the hypervisor does not say. */
function printCounters(ctl: Parameters<CommandDef['run']>[0], cmd: Parameters<CommandDef['run']>[1], device: string,
  counters: readonly Counter[], stats: object, human: boolean): void {
  const values = counters.map(([field, label, key]) => ({ field, label, key, value: (stats as Record<string, number>)[key]! }))
    .filter((c) => c.value >= 0);
  const text = human
    ? `Device: ${device}\n${values.map((c) => ` ${c.label.padEnd(31)} ${c.value}\n`).join('')}`
    : values.map((c) => `${device} ${c.field} ${c.value}\n`).join('');
  printValue(ctl, cmd, { device, ...Object.fromEntries(values.map((c) => [c.key, c.value])) }, text);
}

export const domblkstat = objectCommand({
  name: 'domblkstat',
  group: 'monitor',
  help: 'get device block stats for a domain',
  desc: 'Get device block stats for a running domain. See man page or use --human for explanation of fields',
  object: DOMAIN,
  options: [{ name: 'device', type: 'string', help: 'block device' }, boolOpt('human', 'print a more human readable output'), jsonOpt],
  async run(dom, ctl, cmd) {
    const device = cmd.string('device') ?? '';
    let stats;
    try {
      stats = await dom.blockStats(device);
    } catch (e) {
      throw new CommandFailed(`Failed to get block stats ${cmd.required('domain')} ${device}`, e);
    }
    printCounters(ctl, cmd, device, BLOCK_COUNTERS, stats, cmd.bool('human'));
    return true;
  },
});

export const domifstat = objectCommand({
  name: 'domifstat',
  group: 'monitor',
  help: 'get network interface stats for a domain',
  desc: 'Get network interface stats for a running domain.',
  object: DOMAIN,
  options: [
    { name: 'interface', type: 'string', positional: true, required: true, help: 'interface device specified by name or MAC Address' },
    jsonOpt,
  ],
  async run(dom, ctl, cmd) {
    const device = cmd.required('interface');
    let stats;
    try {
      stats = await dom.interfaceStats(device);
    } catch (e) {
      throw new CommandFailed(`Failed to get interface stats ${cmd.required('domain')} ${device}`, e);
    }
    printCounters(ctl, cmd, device, INTERFACE_COUNTERS, stats, false);
    return true;
  },
});

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** vshPrettyCapacity: the largest binary unit the size reaches, three decimals. */
export function prettyCapacity(bytes: number): string {
  let unit = 0;
  while (unit < UNITS.length - 1 && bytes >= 1024 ** (unit + 1)) unit++;
  return `${fixed3(bytes / 1024 ** unit)} ${UNITS[unit]}`;
}

/** printf's `%.3lf`: a tie exact in binary (1.3125) rounds to even as glibc rounds it, where toFixed rounds it up. */
function fixed3(x: number): string {
  const scaled = x * 1000;
  const floor = Math.floor(scaled);
  return scaled - floor === 0.5 && floor % 2 === 0 ? (floor / 1000).toFixed(3) : x.toFixed(3);
}

type Sizes = Record<keyof DomainBlockInfo, number | null>;
const SIZE_FIELDS: ReadonlyArray<[keyof DomainBlockInfo, string]> = [['capacity', 'Capacity'], ['allocation', 'Allocation'], ['physical', 'Physical']];

export const domblkinfo = objectCommand({
  name: 'domblkinfo',
  group: 'monitor',
  help: 'domain block device size information',
  desc: 'Get block device size info for a domain.',
  object: DOMAIN,
  check(cmd) {
    cmd.exclusive('all', 'device');
  },
  options: [
    { name: 'device', type: 'string', help: 'block device' },
    boolOpt('human', 'Human readable output'),
    boolOpt('all', 'display all block devices info'),
    jsonOpt,
  ],
  async run(dom, ctl, cmd) {
    const show = (v: number | null): string => (v === null ? '-' : cmd.bool('human') ? prettyCapacity(v) : String(v));
    if (!cmd.bool('all')) {
      const device = nonEmptyOpt(cmd, 'device');
      if (device === undefined) throw new VshError("command 'domblkinfo' requires <device> option");
      const info = await dom.blockInfo(device);
      printFields(ctl, cmd, SIZE_FIELDS.map(([key, label]) => ({ label: `${label}:`, key, value: info[key], text: show(info[key]) })), 15);
      return true;
    }
    const rows: Array<{ target: string } & Sizes> = [];
    for (const disk of await domainDevices(dom, 'disk', false)) {
      const target = childAttr(disk, 'target', 'dev') ?? '';
      // A drive without a medium has no sizes: virsh shows dashes rather than failing.
      const info: Sizes = diskSource(disk) === undefined ? { capacity: null, allocation: null, physical: null } : await dom.blockInfo(target);
      rows.push({ target, ...info });
    }
    printTable(ctl, cmd, [
      { title: 'Target', key: 'target', value: (r) => r.target },
      ...SIZE_FIELDS.map(([key, title]): Column<{ target: string } & Sizes> => ({ title, key, value: (r) => r[key], text: (r) => show(r[key]) })),
    ], rows);
    return true;
  },
});
