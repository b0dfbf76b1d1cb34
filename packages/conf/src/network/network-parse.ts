import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, element, firstChild, textOf, textNode, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';
import { xmlError } from '../xml/xml-errors.js';
import { generateUUID, parseUUID } from '../uuid.js';
import type { NetworkDef, NetworkForwardMode } from './network-def.js';
import { checkNetworkIp } from './network-ip.js';
import { checkNetworkDHCP, checkNetworkMac } from './network-dhcp.js';

const D = ErrorDomain.NETWORK;
const MODES = new Set(['nat', 'route', 'open', 'bridge', 'private', 'vepa', 'passthrough', 'hostdev']);
/** Modes where libvirt itself manages the bridge, and so prints its STP settings. */
const MANAGED_BRIDGE = new Set([undefined, 'nat', 'route', 'open']);

/** A forward `<address type='pci'>` as libvirt names the device in messages: `0000:03:00.1`. */
function pciName(a: XmlElement): string {
  const field = (name: string, width: number): string => parseInt(attr(a, name) ?? '0', 16).toString(16).padStart(width, '0');
  return `${field('domain', 4)}:${field('bus', 2)}:${field('slot', 2)}.${field('function', 1)}`;
}

/** A forward device (an interface or a PCI function) may be listed once. */
function checkForwardDevices(fwd: XmlElement, network: string): void {
  const listed = [
    ...childElements(fwd, 'interface').map((i) => `interface '${attr(i, 'dev') ?? ''}'`),
    ...childElements(fwd, 'address').filter((a) => attr(a, 'type') === 'pci').map((a) => `PCI device '${pciName(a)}'`),
  ];
  const dup = listed.find((d, i) => listed.indexOf(d) !== i);
  if (dup !== undefined) throw xmlError(`${dup} can only be listed once in network ${network}`, D);
}

/** Modes that forward at layer 3 from the network's own addresses, which they cannot do without one. */
const ROUTED = new Set(['nat', 'route', 'open']);

function normaliseForward(fwd: XmlElement, network: string, ips: number): NetworkForwardMode {
  const mode = attr(fwd, 'mode') ?? 'nat';
  if (!MODES.has(mode)) throw xmlError(`unknown forwarding type '${mode}'`, D);
  setAttr(fwd, 'mode', mode);
  const ifs = childElements(fwd, 'interface');
  const dev = attr(fwd, 'dev');
  const first = ifs[0] && attr(ifs[0], 'dev');
  if (dev !== undefined && first !== undefined && dev !== first) {
    throw xmlError(`forward dev '${dev}' must match first interface element dev '${first}' in network '${mode}'`, D);
  }
  checkForwardDevices(fwd, network);
  if (ROUTED.has(mode) && ips === 0) throw xmlError(`${mode} forwarding requested, but no IP address provided for network '${network}'`, D);
  if (mode === 'open' && dev !== undefined) throw xmlError(`forward dev not allowed for network '${network}' with forward mode='${mode}'`, D);
  if (dev !== undefined && ifs.length === 0 && childElements(fwd, 'pf').length === 0) fwd.children.push(element('interface', [['dev', dev]]));
  // libvirt names the first interface as the forward device, except when a physical function stands for them.
  if (first !== undefined && childElements(fwd, 'pf').length === 0) setAttr(fwd, 'dev', first);
  else if (childElements(fwd, 'pf').length > 0) setAttr(fwd, 'dev', undefined);
  return mode as NetworkForwardMode;
}

/** Parses `<network>` XML, applying the normalisations libvirt's network conf layer makes. */
export function parseNetworkXML(xml: string): NetworkDef {
  const root = parseXml(xml, 'network_definition', ErrorDomain.NETWORK);
  if (root.name !== 'network') throw xmlError(`expecting root element of 'network', not '${root.name}'`, D);
  const nameEl = firstChild(root, 'name');
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw new VirError(ErrorCode.NO_NAME, undefined, D);
  // libvirt 9.0's network parser checks names with virXMLCheckIllegalChars (its words, the XML domain).
  if (name.includes('/')) throw new VirError(ErrorCode.XML_DETAIL, 'invalid char in name: /', ErrorDomain.XML);

  const uuidEl = firstChild(root, 'uuid');
  const uuid = uuidEl ? parseUUID(textOf(uuidEl)) : generateUUID();
  if (!uuid) throw xmlError('malformed uuid element', D);
  if (uuidEl) uuidEl.children = [textNode(uuid)];
  else root.children.splice(root.children.indexOf(nameEl!) + 1, 0, element('uuid', [], [textNode(uuid)]));

  // ipv6='no' is the default and libvirt does not print it.
  if (attr(root, 'ipv6') === 'no') setAttr(root, 'ipv6', undefined);
  const ips = childElements(root, 'ip');
  checkNetworkMac(firstChild(root, 'mac') && attr(firstChild(root, 'mac')!, 'address'), name);
  for (const ip of ips) {
    checkNetworkIp(ip, name);
    checkNetworkDHCP(ip, name);
  }
  const fwd = firstChild(root, 'forward');
  const forwardMode = fwd ? normaliseForward(fwd, name, ips.length) : undefined;
  const dns = firstChild(root, 'dns');
  // A disabled DNS server takes no records and no forwarders.
  if (dns && attr(dns, 'enable') === 'no' && childElements(dns).length > 0) throw xmlError(`Extra data in disabled network '${name}'`, D);

  let bridge = firstChild(root, 'bridge');
  // A network whose bridge libvirt manages always shows its STP settings, even with no <bridge> given.
  if (!bridge && MANAGED_BRIDGE.has(forwardMode)) {
    bridge = element('bridge');
    root.children.push(bridge);
  }
  if (bridge && MANAGED_BRIDGE.has(forwardMode)) {
    setAttr(bridge, 'stp', attr(bridge, 'stp') ?? 'on');
    setAttr(bridge, 'delay', attr(bridge, 'delay') ?? '0');
  }
  const macEl = firstChild(root, 'mac');
  const mac = macEl && attr(macEl, 'address')?.toLowerCase();
  if (macEl && mac !== undefined) setAttr(macEl, 'address', mac);
  const bridgeName = bridge && attr(bridge, 'name');
  return {
    name,
    uuid,
    ...(forwardMode !== undefined ? { forwardMode } : {}),
    ...(bridgeName !== undefined ? { bridge: bridgeName } : {}),
    ...(mac !== undefined ? { mac } : {}),
    xml: root,
  };
}
