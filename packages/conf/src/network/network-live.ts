import { element, firstChild } from '../xml/xml-node.js';
import type { NetworkDef } from './network-def.js';
import { parseNetworkXML } from './network-parse.js';
import { formatNetworkXML } from './network-format.js';

/**
 * The definition of a network as libvirt shows it once started: a `nat` network's masquerade
 * port range is filled in (`<nat><port start='1024' end='65535'/></nat>`) when not given.
 */
export function liveNetworkDef(def: NetworkDef): NetworkDef {
  if (def.forwardMode !== 'nat') return def;
  const live = parseNetworkXML(formatNetworkXML(def));
  const fwd = firstChild(live.xml, 'forward')!;
  let nat = firstChild(fwd, 'nat');
  if (!nat) {
    nat = element('nat');
    fwd.children.push(nat);
  }
  if (!firstChild(nat, 'port')) nat.children.push(element('port', [['start', '1024'], ['end', '65535']]));
  return live;
}
