import { randomBytes } from 'node:crypto';
import { networkSetup, parseNetworkXML, validateXML, withNetworkParts, type NetworkDef } from '@tsvirt/conf';
import { checkNetworkBandwidth } from './network-bandwidth.js';
import { interfaceExists } from './host-net.js';
import type { NetworkTable } from './network-table.js';

/** Modes whose bridge the driver makes, and so names and gives a MAC when the XML does not. */
const MANAGED = new Set([undefined, 'nat', 'route', 'open']);

/** A MAC address in libvirt's range 52:54:00. */
function newMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * Parses a definition as the network driver takes it: checked against network.rng when asked,
 * a bridge named `virbrN` and a MAC address given when missing (libvirt's networkSetBridgeName
 * and MAC generation), then the duplicate and bridge-in-use rules of the table.
 */
export async function parseNewNetwork(xml: string, validate: boolean, t: NetworkTable, live: boolean): Promise<NetworkDef> {
  if (validate) await validateXML(xml, 'network.rng');
  let def = parseNetworkXML(xml);
  checkNetworkBandwidth(networkSetup(def).bandwidth);
  const previous = t.networks.find((n) => n.def.uuid === def.uuid);
  if (MANAGED.has(def.forwardMode)) {
    if (def.bridge === undefined) def.bridge = previous?.def.bridge ?? t.freeBridgeName(interfaceExists);
    // The formatter puts the new <mac> in libvirt's place, after <bridge>.
    if (def.mac === undefined) def = withNetworkParts(def, 'mac', [{ address: previous?.def.mac ?? newMac() }]);
  }
  t.existing(def, live);
  return def;
}
