import { randomBytes } from 'node:crypto';
import { attr, element, firstChild, parseDomainXML, setAttr, textNode, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { LXC_ARCH } from '../state/lxc-store.js';

/** The controller libvirt's capabilities name as the emulator of every container (Debian's path). */
export const LXC_EMULATOR = '/usr/lib/libvirt/libvirt_lxc';

/** A MAC address in libvirt's range 52:54:00, as libvirt generates one. */
function generateMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

function ensureChild(el: XmlElement, name: string): XmlElement {
  const found = firstChild(el, name);
  if (found) return found;
  const made = element(name, []);
  el.children.push(made);
  return made;
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
  const def = parseDomainXML(xml, { arch: LXC_ARCH });
  if (def.type !== 'lxc' || def.os.type !== 'exe' || (def.os.arch ?? LXC_ARCH) !== LXC_ARCH) throw noCapabilities(def);
  const os = def.source?.['os'];
  if (!os || !firstChild(os, 'init')) throw new VirError(ErrorCode.XML_ERROR, 'init binary must be specified', ErrorDomain.DOMAIN);
  if (!def.devices.some((d) => d.name === 'emulator')) def.devices.unshift(element('emulator', [], [textNode(LXC_EMULATOR)]));
  for (const dev of def.devices) {
    if (dev.name === 'interface') {
      const mac = ensureChild(dev, 'mac');
      if (attr(mac, 'address') === undefined) setAttr(mac, 'address', generateMac());
    } else if (dev.name === 'console') {
      const target = ensureChild(dev, 'target');
      if (attr(target, 'type') === undefined) setAttr(target, 'type', 'lxc');
      if (attr(target, 'port') === undefined) setAttr(target, 'port', '0');
    }
  }
  return def;
}
