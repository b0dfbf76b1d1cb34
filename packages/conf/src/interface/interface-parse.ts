import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, element, firstChild, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { missingAttr } from '../model/codec.js';
import type { InterfaceDef, InterfaceType } from './interface-def.js';

const D = ErrorDomain.INTERFACE;
const TYPES = new Set<string>(['ethernet', 'bridge', 'bond', 'vlan']);
const START_MODES = new Set(['none', 'onboot', 'hotplug']);

/** A copy of `el` with only the listed attributes, in that order. */
function keep(el: XmlElement, names: readonly string[], children: XmlElement[] = []): XmlElement {
  const attrs = names.flatMap((n): Array<[string, string]> => {
    const v = attr(el, n);
    return v === undefined ? [] : [[n, v]];
  });
  return element(el.name, attrs, children);
}

function keepFirst(parent: XmlElement, name: string, attrs: readonly string[]): XmlElement[] {
  const el = firstChild(parent, name);
  return el ? [keep(el, attrs)] : [];
}

function checkInteger(el: XmlElement, name: string): void {
  const v = attr(el, name);
  if (v !== undefined && !/^-?\d+$/.test(v.trim())) {
    throw xmlError(`Invalid value for attribute '${name}' in element '${el.name}': '${v}'. Expected integer value`, ErrorDomain.XML);
  }
}

/** `<protocol>`: IPv6 autoconf, DHCP, addresses and one route, in libvirt's order. */
function protocol(p: XmlElement): XmlElement {
  const family = attr(p, 'family');
  if (family !== 'ipv4' && family !== 'ipv6') throw xmlError(`unsupported protocol family '${family ?? ''}'`, D);
  const ips = childElements(p, 'ip').map((ip) => {
    checkInteger(ip, 'prefix');
    return keep(ip, ['address', 'prefix']);
  });
  return keep(p, ['family'], [
    ...(family === 'ipv6' ? keepFirst(p, 'autoconf', []) : []),
    ...keepFirst(p, 'dhcp', ['peerdns']),
    ...ips,
    ...keepFirst(p, 'route', ['gateway']),
  ]);
}

/** The members of a bridge or a bond: interfaces of their own, without start mode, MTU or addresses. */
function members(parent: XmlElement): XmlElement[] {
  return childElements(parent, 'interface').map((c) => normalise(c, false));
}

function typeSpecific(el: XmlElement, type: InterfaceType): XmlElement[] {
  switch (type) {
    case 'ethernet':
      return keepFirst(el, 'mac', ['address']);
    case 'bridge': {
      const bridge = firstChild(el, 'bridge');
      if (!bridge) throw xmlError('bridge interface misses the bridge element', D);
      return [keep(bridge, ['stp', 'delay'], members(bridge))];
    }
    case 'bond': {
      const bond = firstChild(el, 'bond');
      if (!bond) throw xmlError('bond interface misses the bond element', D);
      return [keep(bond, ['mode'], [
        ...keepFirst(bond, 'miimon', ['freq', 'downdelay', 'updelay', 'carrier']),
        ...keepFirst(bond, 'arpmon', ['interval', 'target', 'validate']),
        ...members(bond),
      ])];
    }
    case 'vlan': {
      const vlan = firstChild(el, 'vlan');
      if (!vlan) throw xmlError('vlan interface misses the vlan element', D);
      if (attr(vlan, 'tag') === undefined) throw xmlError('vlan interface misses the tag attribute', D);
      return [keep(vlan, ['tag'], keepFirst(vlan, 'interface', ['name']))];
    }
  }
}

/** One interface reduced to what libvirt keeps; members of a bridge or bond are not `top`. */
function normalise(el: XmlElement, top: boolean): XmlElement {
  const type = attr(el, 'type');
  if (type === undefined) throw missingAttr('type', el.name);
  if (!TYPES.has(type)) throw xmlError(`Invalid value for attribute 'type' in element '${el.name}': '${type}'.`, ErrorDomain.XML);
  if (!attr(el, 'name')) throw xmlError('interface has no name', D);
  const children: XmlElement[] = [];
  if (top) {
    const start = firstChild(el, 'start');
    const mode = start && attr(start, 'mode');
    if (mode !== undefined && !START_MODES.has(mode)) throw xmlError(`unknown interface startmode ${mode}`, D);
    if (start && mode !== undefined) children.push(keep(start, ['mode']));
    const mtu = firstChild(el, 'mtu');
    if (mtu) {
      checkInteger(mtu, 'size');
      children.push(keep(mtu, ['size']));
    }
    children.push(...childElements(el, 'protocol').map(protocol));
    if (type === 'ethernet') children.push(...keepFirst(el, 'link', ['speed', 'state']));
  }
  children.push(...typeSpecific(el, type as InterfaceType));
  return keep(el, ['type', 'name'], children);
}

/** Parses `<interface>` XML (a host interface) with the checks and reductions of libvirt's interface conf. */
export function parseInterfaceXML(xml: string): InterfaceDef {
  const root = parseXml(xml, 'interface_definition');
  if (root.name !== 'interface') throw xmlError(`expecting root element of 'interface', not '${root.name}'`, ErrorDomain.XML);
  const norm = normalise(root, true);
  const type = attr(norm, 'type') as InterfaceType;
  const macEl = type === 'ethernet' ? firstChild(norm, 'mac') : undefined;
  const mac = macEl && attr(macEl, 'address');
  return { type, name: attr(norm, 'name')!, ...(mac !== undefined ? { mac } : {}), xml: norm };
}
