import { mapPacked } from '../packed.js';
import { attr, childElements, element, firstChild, type XmlElement, type XmlNode } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';
import { filesystemDefaults } from './filesystem-defaults.js';
import { normalizeIotune } from './devices/disk-iotune.js';
import { applyVideoInputDefaults, type GuestKind } from './video-input-defaults.js';

/** VNC: a socket replaces network listens; otherwise the port is automatic unless fixed, and the listen is explicit. */
function vncDefaults(g: XmlElement): void {
  const socket = attr(g, 'socket');
  const others = g.children.filter((c) => c.kind !== 'element' || c.name !== 'listen');
  if (socket !== undefined) {
    g.children = [element('listen', [['type', 'socket'], ['socket', socket]]), ...others];
    return;
  }
  const listens = childElements(g, 'listen');
  const networked = listens.every((l) => (attr(l, 'type') ?? 'address') === 'address' || attr(l, 'type') === 'network');
  const autoport = attr(g, 'autoport');
  if (autoport === 'yes' || (networked && autoport === undefined && attr(g, 'port') === undefined)) {
    setAttr(g, 'port', '-1');
    setAttr(g, 'autoport', 'yes');
  }
  const address = attr(g, 'listen');
  if (listens.length === 0 && autoport !== 'no') {
    g.children.unshift(element('listen', address !== undefined ? [['type', 'address'], ['address', address]] : [['type', 'address']]));
  } else if (address === undefined) {
    const first = listens.find((l) => attr(l, 'type') === 'address' && attr(l, 'address') !== undefined);
    if (first) setAttr(g, 'listen', attr(first, 'address'));
  }
}

const CHARDEVS = new Set(['serial', 'parallel', 'console', 'channel', 'smartcard', 'redirdev']);

/**
 * Socket character devices: a source without a mode connects, a UNIX source that neither listens
 * (binds) nor names a path is no source at all, UDP's bind source comes before its connect source, and TCP speaks raw unless told.
 */
function chardevDefaults(dev: XmlElement): void {
  const type = attr(dev, 'type');
  if (type !== 'tcp' && type !== 'udp' && type !== 'unix') return;
  for (const src of childElements(dev, 'source')) if (attr(src, 'mode') === undefined) setAttr(src, 'mode', 'connect');
  const pathless = (c: XmlNode): boolean => c.kind === 'element' && c.name === 'source' && attr(c, 'path') === undefined && attr(c, 'mode') !== 'bind';
  if (type === 'unix') dev.children = dev.children.filter((c) => !pathless(c));
  if (type === 'udp') {
    const sources = childElements(dev, 'source');
    const ordered = [...sources.filter((s) => attr(s, 'mode') === 'bind'), ...sources.filter((s) => attr(s, 'mode') !== 'bind')];
    let i = 0;
    dev.children = mapPacked(dev.children, (c) => (c.kind === 'element' && c.name === 'source' ? ordered[i++]! : c));
  }
  // libvirt writes the protocol right after the sources, before a device's target, boot order or address.
  if (type === 'tcp' && !firstChild(dev, 'protocol')) {
    const at = dev.children.findLastIndex((c) => c.kind === 'element' && c.name === 'source') + 1;
    dev.children.splice(at, 0, element('protocol', [['type', 'raw']]));
  }
}

/** Controllers without an index take the lowest one their type has free. */
function controllerIndexes(devices: XmlElement): void {
  const controllers = childElements(devices, 'controller');
  const used = new Map<string, Set<string>>();
  const usedOf = (type: string): Set<string> => used.get(type) ?? used.set(type, new Set()).get(type)!;
  for (const c of controllers) if (attr(c, 'index') !== undefined) usedOf(attr(c, 'type') ?? '').add(attr(c, 'index')!);
  for (const c of controllers) {
    if (attr(c, 'index') !== undefined) continue;
    const taken = usedOf(attr(c, 'type') ?? '');
    let i = 0;
    while (taken.has(String(i))) i++;
    taken.add(String(i));
    setAttr(c, 'index', String(i));
  }
}

/** Smartcards sit on a CCID controller, which libvirt adds when there is none, one slot each. */
function smartcardAddresses(devices: XmlElement): void {
  const cards = childElements(devices, 'smartcard');
  if (cards.length === 0) return;
  if (!childElements(devices, 'controller').some((c) => attr(c, 'type') === 'ccid')) {
    const last = devices.children.findLastIndex((c) => c.kind === 'element' && c.name === 'controller');
    devices.children.splice(last + 1, 0, element('controller', [['type', 'ccid'], ['index', '0']]));
  }
  let slot = 0;
  for (const card of cards) {
    if (!firstChild(card, 'address')) card.children.push(element('address', [['type', 'ccid'], ['controller', '0'], ['slot', String(slot)]]));
    slot++;
  }
}

/** Applies libvirt's driver-neutral device defaults to the children of `<devices>`, in place. */
export function applyDeviceDefaults(devices: XmlElement, guest: GuestKind): void {
  for (const d of childElements(devices)) {
    if (d.name === 'graphics' && attr(d, 'type') === 'vnc') vncDefaults(d);
    else if (CHARDEVS.has(d.name)) chardevDefaults(d);
    else if (d.name === 'rng') childElements(d, 'backend').forEach(chardevDefaults);
    else if (d.name === 'disk') normalizeIotune(d);
  }
  controllerIndexes(devices);
  smartcardAddresses(devices);
  filesystemDefaults(devices);
  applyVideoInputDefaults(guest, devices);
}
