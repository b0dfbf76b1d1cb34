import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, firstChild, textOf } from '../xml/xml-node.js';
import { escapeXml } from '../xml/xml-format.js';
import { xmlError } from '../xml/xml-errors.js';
import { generateUUID, parseUUID } from '../uuid.js';
import { bandwidthSetup, type NetworkBandwidthSetup } from './network-setup.js';

const D = ErrorDomain.NETWORK;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** How a port is plugged: into the network's own bridge (`network`) or a host bridge (`bridge`). */
export interface NetworkPortPlug {
  readonly type: 'network' | 'bridge';
  readonly bridge: string;
}

/** A port of a virtual network (libvirt's `<networkport>`): a guest interface's place on it. */
export interface NetworkPortDef {
  uuid: string;
  /** The domain the port belongs to. */
  readonly owner: { readonly name: string; readonly uuid: string };
  /** The guest interface's MAC, lower case. */
  readonly mac: string;
  /** `<group>`: the portgroup asked for. */
  readonly group?: string;
  /** `<bandwidth>`: the guest interface's QoS (its `floor` is what the network's bridge guarantees it). */
  readonly bandwidth?: NetworkBandwidthSetup;
  plug?: NetworkPortPlug;
}

/** Parses `<networkport>` XML; a port without a UUID gets one, as libvirt gives one at creation. */
export function parseNetworkPortXML(xml: string): NetworkPortDef {
  const root = parseXml(xml, 'networkport.xml', D);
  if (root.name !== 'networkport') throw xmlError(`unexpected root element <${root.name}>, expecting <networkport>`, D);
  const uuidEl = firstChild(root, 'uuid');
  const uuid = uuidEl ? parseUUID(textOf(uuidEl).trim()) : generateUUID();
  if (!uuid) throw xmlError(`Unable to parse UUID '${textOf(uuidEl!).trim()}'`, D);
  const owner = firstChild(root, 'owner');
  if (!owner) throw xmlError('missing owner', D);
  const ownerName = firstChild(owner, 'name');
  if (!ownerName) throw xmlError('missing owner name', D);
  const ownerUUIDEl = firstChild(owner, 'uuid');
  const ownerUUID = ownerUUIDEl && parseUUID(textOf(ownerUUIDEl).trim());
  if (!ownerUUID) throw xmlError('missing owner UUID', D);
  const macEl = firstChild(root, 'mac');
  const mac = macEl && attr(macEl, 'address')?.toLowerCase();
  if (mac === undefined) throw xmlError('missing mac', D);
  if (!MAC.test(mac)) throw xmlError(`Unable to parse mac '${mac}'`, D);
  const group = firstChild(root, 'group');
  const bandwidth = bandwidthSetup(firstChild(root, 'bandwidth'));
  const plug = firstChild(root, 'plug');
  const plugType = plug && attr(plug, 'type');
  const plugBridge = plug && attr(plug, 'bridge');
  return {
    uuid,
    owner: { name: textOf(ownerName).trim(), uuid: ownerUUID },
    mac,
    ...(group ? { group: textOf(group).trim() } : {}),
    ...(bandwidth?.inbound || bandwidth?.outbound ? { bandwidth } : {}),
    ...((plugType === 'network' || plugType === 'bridge') && plugBridge !== undefined ? { plug: { type: plugType, bridge: plugBridge } } : {}),
  };
}

/** `<bandwidth>` as libvirt formats it: each direction's non-zero rates in libvirt's order. */
function bandwidthLines(bw: NetworkBandwidthSetup): string[] {
  const rate = (dir: 'inbound' | 'outbound'): string[] => {
    const r = bw[dir];
    if (!r) return [];
    const attrs = (['average', 'peak', 'floor', 'burst'] as const).filter((k) => r[k]).map((k) => ` ${k}='${r[k]}'`).join('');
    return [`    <${dir}${attrs}/>`];
  };
  return ['  <bandwidth>', ...rate('inbound'), ...rate('outbound'), '  </bandwidth>'];
}

/** Formats a port as libvirt's `<networkport>` XML. */
export function formatNetworkPortXML(port: NetworkPortDef): string {
  const lines = [
    '<networkport>',
    `  <uuid>${port.uuid}</uuid>`,
    '  <owner>',
    `    <name>${escapeXml(port.owner.name)}</name>`,
    `    <uuid>${port.owner.uuid}</uuid>`,
    '  </owner>',
    ...(port.group !== undefined ? [`  <group>${escapeXml(port.group)}</group>`] : []),
    `  <mac address='${port.mac}'/>`,
    ...(port.bandwidth ? bandwidthLines(port.bandwidth) : []),
    ...(port.plug ? [`  <plug type='${port.plug.type}' bridge='${escapeXml(port.plug.bridge)}'/>`] : []),
    '</networkport>',
  ];
  return `${lines.join('\n')}\n`;
}
