import { attr, childElements, element, firstChild, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';

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

const CHARDEVS = new Set(['serial', 'parallel', 'console', 'channel']);

/** Socket character devices: a source without a mode connects, and TCP speaks raw unless told. */
function chardevDefaults(dev: XmlElement): void {
  const type = attr(dev, 'type');
  if (type !== 'tcp' && type !== 'udp' && type !== 'unix') return;
  const sources = childElements(dev, 'source');
  for (const src of sources) if (attr(src, 'mode') === undefined) setAttr(src, 'mode', 'connect');
  if (type === 'tcp' && !firstChild(dev, 'protocol')) dev.children.push(element('protocol', [['type', 'raw']]));
}

/** Applies libvirt's driver-neutral device defaults to the children of `<devices>`, in place. */
export function applyDeviceDefaults(devices: XmlElement): void {
  for (const d of childElements(devices)) {
    if (d.name === 'graphics' && attr(d, 'type') === 'vnc') vncDefaults(d);
    else if (CHARDEVS.has(d.name)) chardevDefaults(d);
  }
  const video = childElements(devices, 'video')[0];
  const model = video && firstChild(video, 'model');
  if (model && attr(model, 'primary') === undefined && attr(model, 'type') !== 'none') setAttr(model, 'primary', 'yes');
}
