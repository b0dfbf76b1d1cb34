import { at, attr, body, child, list, model } from '../model/binding.js';
import { onOff, uint, yesNo } from '../model/codec.js';
import { readParts, writeParts, type PartOf } from '../model/document-parts.js';
import type { NetworkDef, NetworkForwardMode } from './network-def.js';

const BANDWIDTH_RATE = { average: attr('average', uint), peak: attr('peak', uint), burst: attr('burst', uint), floor: attr('floor', uint) };
const BANDWIDTH = { inbound: child('inbound', BANDWIDTH_RATE), outbound: child('outbound', BANDWIDTH_RATE) };
const VLAN = { trunk: attr('trunk', yesNo), tags: list('tag', { id: attr('id', uint), nativeMode: attr('nativeMode') }) };
const VIRTUALPORT = {
  type: attr('type'),
  parameters: child('parameters', {
    managerid: attr('managerid'), typeid: attr('typeid'), typeidversion: attr('typeidversion'),
    instanceid: attr('instanceid'), interfaceid: attr('interfaceid'), profileid: attr('profileid'),
  }),
};
const PCI_ADDRESS = { type: attr('type'), domain: attr('domain'), bus: attr('bus'), slot: attr('slot'), function: attr('function') };

/** The typed models of a `<network>`'s top-level parts, by element name. */
export const NETWORK_PART_MODELS = {
  forward: model('forward', () => ({
    mode: attr('mode'),
    dev: attr('dev'),
    managed: attr('managed', yesNo),
    trustGuestRxFilters: attr('trustGuestRxFilters', yesNo),
    interfaces: list('interface', { dev: attr('dev') }),
    pf: list('pf', { dev: attr('dev') }),
    addresses: list('address', PCI_ADDRESS),
    driver: at('driver', attr('name')),
    nat: child('nat', {
      ipv6: attr('ipv6', yesNo),
      addresses: list('address', { start: attr('start'), end: attr('end') }),
      ports: list('port', { start: attr('start', uint), end: attr('end', uint) }),
    }),
  })),
  bridge: model('bridge', () => ({
    name: attr('name'), stp: attr('stp', onOff), delay: attr('delay', uint),
    macTableManager: attr('macTableManager'), zone: attr('zone'),
  })),
  mac: model('mac', () => ({ address: attr('address') })),
  mtu: model('mtu', () => ({ size: attr('size', uint) })),
  domain: model('domain', () => ({ name: attr('name'), localOnly: attr('localOnly', yesNo), register: attr('register', yesNo) })),
  ip: model('ip', () => ({
    family: attr('family'),
    address: attr('address'),
    netmask: attr('netmask'),
    prefix: attr('prefix', uint),
    localPtr: attr('localPtr', yesNo),
    tftpRoot: at('tftp', attr('root')),
    dhcp: child('dhcp', {
      ranges: list('range', { start: attr('start'), end: attr('end'), lease: child('lease', { expiry: attr('expiry', uint), unit: attr('unit') }) }),
      hosts: list('host', { mac: attr('mac'), id: attr('id'), name: attr('name'), ip: attr('ip') }),
      bootp: child('bootp', { file: attr('file'), server: attr('server') }),
    }),
  })),
  dns: model('dns', () => ({
    enable: attr('enable', yesNo),
    forwardPlainNames: attr('forwardPlainNames', yesNo),
    forwarders: list('forwarder', { addr: attr('addr'), domain: attr('domain') }),
    txt: list('txt', { name: attr('name'), value: attr('value') }),
    hosts: list('host', { ip: attr('ip'), hostnames: list('hostname', { name: body() }) }),
    srv: list('srv', {
      service: attr('service'), protocol: attr('protocol'), domain: attr('domain'), target: attr('target'),
      port: attr('port', uint), priority: attr('priority', uint), weight: attr('weight', uint),
    }),
  })),
  portgroup: model('portgroup', () => ({
    name: attr('name'),
    default: attr('default', yesNo),
    trustGuestRxFilters: attr('trustGuestRxFilters', yesNo),
    bandwidth: child('bandwidth', BANDWIDTH),
    vlan: child('vlan', VLAN),
    virtualport: child('virtualport', VIRTUALPORT),
  })),
  bandwidth: model('bandwidth', BANDWIDTH),
  vlan: model('vlan', VLAN),
  virtualport: model('virtualport', VIRTUALPORT),
  port: model('port', () => ({ isolated: attr('isolated', yesNo) })),
  route: model('route', () => ({
    family: attr('family'), address: attr('address'), prefix: attr('prefix', uint), netmask: attr('netmask'),
    gateway: attr('gateway'), metric: attr('metric', uint),
  })),
} as const;

export type NetworkPartKind = keyof typeof NETWORK_PART_MODELS;
/** The typed object of one part of a network (`NetworkPart<'ip'>`). */
export type NetworkPart<K extends NetworkPartKind> = PartOf<typeof NETWORK_PART_MODELS, K>;

/** Every `kind` part of a network, typed (`networkParts(def, 'ip')`). */
export function networkParts<K extends NetworkPartKind>(def: NetworkDef, kind: K): Array<NetworkPart<K>> {
  return readParts(NETWORK_PART_MODELS, def.xml, kind);
}

/** The first `kind` part of a network, typed, or undefined. */
export function networkPart<K extends NetworkPartKind>(def: NetworkDef, kind: K): NetworkPart<K> | undefined {
  return networkParts(def, kind)[0];
}

/**
 * A copy of the network whose `kind` parts are `values` (an empty list removes them). The typed
 * fields that mirror a part (forwardMode, bridge, mac) follow it.
 */
export function withNetworkParts<K extends NetworkPartKind>(def: NetworkDef, kind: K, values: ReadonlyArray<NetworkPart<K>>): NetworkDef {
  const out: NetworkDef = { ...def, xml: writeParts(NETWORK_PART_MODELS, def.xml, kind, values) };
  const first = values[0] as Record<string, unknown> | undefined;
  if (kind === 'forward') setOrDelete(out, 'forwardMode', first?.['mode'] as NetworkForwardMode | undefined);
  if (kind === 'bridge') setOrDelete(out, 'bridge', first?.['name'] as string | undefined);
  if (kind === 'mac') setOrDelete(out, 'mac', first?.['address'] as string | undefined);
  return out;
}

function setOrDelete<K extends 'forwardMode' | 'bridge' | 'mac'>(def: NetworkDef, key: K, value: NetworkDef[K]): void {
  if (value === undefined) delete def[key];
  else def[key] = value;
}
