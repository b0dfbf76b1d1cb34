import { statSync } from 'node:fs';
import { ErrorCode, VirError } from '@tsvirt/api';
import { escapeXml } from '@tsvirt/conf';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { requireOpt } from '../shared/modify-impact.js';

/** An `--address` value: its kind and numbers, `pci:0000.00.1f.0`, `scsi:0.0.1`, `usb:1.2` ... */
interface DiskAddress { kind: string; parts: number[] }

/** How many numbers each address kind takes, and in which base virsh reads them; extra numbers are ignored. */
const ADDRESS_KINDS: Record<string, { count: number; hex: boolean }> = {
  pci: { count: 4, hex: true }, ccw: { count: 3, hex: true },
  scsi: { count: 3, hex: false }, ide: { count: 3, hex: false }, sata: { count: 3, hex: false }, usb: { count: 2, hex: false },
};

function parseAddress(text: string): DiskAddress {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const spec = ADDRESS_KINDS[kind];
  const parts = text.slice(colon + 1).split(/[.:]/).slice(0, spec?.count);
  if (colon < 0 || !spec || parts.length < spec.count || !parts.every((p) => (spec.hex ? /^[\da-f]+$/i : /^\d+$/).test(p))) {
    throw new VshError('Invalid address.');
  }
  return { kind, parts: parts.map((p) => parseInt(p, spec.hex ? 16 : 10)) };
}

/** The address kinds a target name's bus accepts (hdX: IDE, sdX: SCSI, USB or SATA, vdX: PCI or CCW). */
const TARGET_BUSES: ReadonlyArray<[prefix: string, kinds: string[], expected: string]> = [
  ['vd', ['pci', 'ccw'], 'a pci:0000.00.00.00 or ccw:00.0.0000'],
  ['sd', ['scsi', 'usb', 'sata'], 'a scsi:00.00.00 or usb:00.00 or sata:00.00.00'],
  ['hd', ['ide'], 'an ide:00.00.00'],
];

const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, '0')}`;

function addressXML(addr: DiskAddress, target: string, multifunction: boolean): string {
  const bus = TARGET_BUSES.find(([prefix]) => target.startsWith(prefix));
  if (bus && !bus[1].includes(addr.kind)) throw new VshError(`expecting ${bus[2]} address.`);
  const [a, b, c, d] = addr.parts as [number, number, number, number];
  switch (addr.kind) {
    case 'pci':
      return `<address type='pci' domain='${hex(a, 4)}' bus='${hex(b, 2)}' slot='${hex(c, 2)}' function='${hex(d, 1)}'${multifunction ? " multifunction='on'" : ''}/>`;
    case 'ccw':
      return `<address type='ccw' cssid='${hex(a, 2)}' ssid='${hex(b, 1)}' devno='${hex(c, 4)}'/>`;
    case 'usb':
      return `<address type='usb' bus='${a}' port='${b}'/>`;
    default:
      return `<address type='drive' controller='${a}' bus='${b}' unit='${c}'/>`;
  }
}

/** libvirt's virValidateWWN: 16 hex digits, optionally after `0x`. */
function checkWWN(wwn: string): void {
  if (!/^(0x)?[\da-f]{16}$/i.test(wwn)) throw new VirError(ErrorCode.INTERNAL_ERROR, `Malformed wwn: ${wwn}`);
}

function isBlockDevice(path: string): boolean {
  try {
    return statSync(path).isBlockDevice();
  } catch {
    return false;
  }
}

const attrs = (pairs: ReadonlyArray<[string, string | undefined]>): string =>
  pairs.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}='${escapeXml(v!)}'`).join('');

/** The `<host>` of a network disk: `--source-host-name host:port` split at the first colon. */
function hostXML(cmd: ParsedCommand): string | undefined {
  const hostName = nonEmptyOpt(cmd, 'source-host-name');
  const transport = nonEmptyOpt(cmd, 'source-host-transport');
  const socket = nonEmptyOpt(cmd, 'source-host-socket');
  if (hostName === undefined && transport === undefined) return undefined;
  const colon = hostName?.indexOf(':') ?? -1;
  const [name, port] = colon < 0 ? [hostName, undefined] : [hostName!.slice(0, colon), hostName!.slice(colon + 1)];
  return `<host${attrs([['transport', transport], ['name', name], ['port', port], ['socket', socket]])}/>`;
}

/**
 * The `<disk>` attach-disk builds from its options, with virsh's checks in virsh's order. Like
 * virsh, it escapes some values and writes others (target, alias, serial, wwn) as given.
 */
export function diskXML(cmd: ParsedCommand): string {
  cmd.exclusive('source-host-name', 'source-host-socket');
  requireOpt(cmd, 'source-host-name', 'source-protocol');
  requireOpt(cmd, 'source-host-transport', 'source-protocol');
  requireOpt(cmd, 'source-host-socket', 'source-protocol');
  requireOpt(cmd, 'source-host-socket', 'source-host-transport');
  const source = cmd.string('source') ?? '';
  const target = cmd.required('target');
  const opt = (name: string): string | undefined => nonEmptyOpt(cmd, name);
  const sourceType = opt('sourcetype') ?? (isBlockDevice(source) ? 'block' : 'file');
  if (!['file', 'block', 'network'].includes(sourceType)) throw new VshError(`Unknown source type: '${sourceType}'`);
  const protocol = opt('source-protocol');
  if ((protocol !== undefined) !== (sourceType === 'network')) throw new VshError('--source-protocol option requires --sourcetype network');
  const mode = opt('mode');
  if (mode !== undefined && mode !== 'readonly' && mode !== 'shareable') throw new VshError(`No support for ${mode} in command 'attach-disk'`);
  const wwn = opt('wwn');
  if (wwn !== undefined) checkWWN(wwn);
  const address = opt('address');
  const addressLine = address === undefined ? undefined : addressXML(parseAddress(address), target, cmd.bool('multifunction'));

  const lines: string[] = [];
  const driver = attrs([['name', opt('driver')], ['type', opt('subdriver')], ['iothread', opt('iothread')], ['cache', opt('cache')], ['io', opt('io')]]);
  if (driver) lines.push(`<driver${driver}/>`);
  if (sourceType === 'network') {
    const host = hostXML(cmd);
    const open = `<source${attrs([['protocol', protocol], ['name', source]])}`;
    lines.push(...(host ? [`${open}>`, `  ${host}`, '</source>'] : [`${open}/>`]));
  } else {
    lines.push(`<source${attrs([[sourceType === 'block' ? 'dev' : 'file', source]])}/>`);
  }
  const bus = opt('targetbus');
  lines.push(`<target dev='${target}'${bus !== undefined ? ` bus='${bus}'` : ''}/>`);
  if (mode) lines.push(`<${mode}/>`);
  const serial = opt('serial');
  if (serial !== undefined) lines.push(`<serial>${serial}</serial>`);
  const alias = opt('alias');
  if (alias !== undefined) lines.push(`<alias name='${alias}'/>`);
  if (wwn !== undefined) lines.push(`<wwn>${wwn}</wwn>`);
  if (addressLine) lines.push(addressLine);
  const open = `<disk${attrs([['type', sourceType], ['device', opt('type')]])}${cmd.bool('rawio') ? " rawio='yes'" : ''}>`;
  return `${open}\n${lines.map((l) => `  ${l}\n`).join('')}</disk>\n`;
}
