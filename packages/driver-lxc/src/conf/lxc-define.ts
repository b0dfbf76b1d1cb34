import { randomBytes } from 'node:crypto';
import {
  addDevice, devicesOf, domainPart, editDevice, findDevice, newDevice, parseDevice, parseDomainXML, parseXml, sortDevicesByKind, type DomainDef, type DomainDevice,
} from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { LXC_ARCH } from '../state/lxc-store.js';

/** The controller libvirt's capabilities name as the emulator of every container (Debian's path). */
export const LXC_EMULATOR = '/usr/lib/libvirt/libvirt_lxc';

/** A MAC address in libvirt's range 52:54:00, as libvirt generates one. */
export function generateMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** libvirt's capability lookup error, word for word (its trailing blank included). */
function noCapabilities(def: DomainDef): VirError {
  const ostype = def.type === 'lxc' ? '' : `ostype=${def.os.type} `;
  return new VirError(ErrorCode.INVALID_ARG, `could not find capabilities for ${def.os.type === 'exe' ? ostype : ''}arch=${def.os.arch ?? LXC_ARCH} domaintype=${def.type} `, ErrorDomain.CAPABILITIES);
}

/**
 * Parses a definition for this driver and fills in what libvirt's LXC driver fills in on define:
 * the emulator, the console's target type and MAC addresses. Definitions no container could be
 * made from (another virt type or OS type, no init) are refused with libvirt's words.
 */
export function parseLxcDomain(xml: string): DomainDef {
  let def = parseDomainXML(xml, { arch: LXC_ARCH });
  if (def.type !== 'lxc' || def.os.type !== 'exe' || (def.os.arch ?? LXC_ARCH) !== LXC_ARCH) throw noCapabilities(def);
  if (domainPart(def, 'os')?.init === undefined) throw new VirError(ErrorCode.XML_ERROR, 'init binary must be specified', ErrorDomain.DOMAIN);
  if (!findDevice(def, 'emulator')) def = addDevice(def, newDevice('emulator', { path: LXC_EMULATOR }));
  for (const nic of devicesOf(def, 'interface')) {
    if (nic.mac === undefined) def = editDevice(def, nic, (d) => { d.mac = generateMac(); });
  }
  for (const console of devicesOf(def, 'console')) {
    const target = console.target ?? {};
    if (target.type === undefined || target.port === undefined) {
      def = editDevice(def, console, (d) => { d.target = { ...target, type: target.type ?? 'lxc', port: target.port ?? 0 }; });
    }
  }
  sortDevicesByKind(def);
  return def;
}

/** A device given to attach or detach, typed; an interface to attach without a MAC gets one, as libvirt's parser gives it. */
export function parseLxcDevice(xml: string, forAttach: boolean): DomainDevice {
  const el = parseXml(xml, 'device');
  const dev = parseDevice(el);
  if (!dev) throw new VirError(ErrorCode.XML_ERROR, `unknown device type '${el.name}'`, ErrorDomain.DOMAIN);
  return forAttach && dev.kind === 'interface' && dev.mac === undefined ? { ...dev, mac: generateMac() } : dev;
}
