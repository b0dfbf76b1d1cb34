import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, firstChild, type XmlElement } from '../xml/xml-node.js';
import { missingAttr } from '../model/codec.js';

const xmlError = (detail: string): VirError => new VirError(ErrorCode.XML_ERROR, detail, ErrorDomain.DOMAIN);
const internal = (detail: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, detail, ErrorDomain.DOMAIN);
const missing = (what: string): VirError => internal(`Missing source ${what} attribute for char device`);

/** The device kinds whose own element carries a character device's host side. */
const CHARDEV_KINDS = new Set(['serial', 'parallel', 'console', 'channel', 'smartcard', 'redirdev']);
/** Channels whose UNIX socket path the hypervisor may choose itself. */
const AUTO_PATH_CHANNELS = new Set(['virtio', 'xen']);

/** The elements that hold a host-side character device: the chardevs themselves and an RNG's EGD backend. */
function hostSides(devices: readonly XmlElement[]): XmlElement[] {
  // A loop, not flatMap: an array per device for every document read costs more than the checks.
  const out: XmlElement[] = [];
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    const backend = d.name === 'rng' ? firstChild(d, 'backend') : undefined;
    if (CHARDEV_KINDS.has(d.name)) out.push(d);
    else if (backend && attr(backend, 'model') === 'egd') out.push(backend);
  }
  return out;
}

function checkReconnect(source: XmlElement): void {
  const reconnect = firstChild(source, 'reconnect');
  if (!reconnect || attr(reconnect, 'enabled') !== 'yes') return;
  if (attr(reconnect, 'timeout') === undefined) {
    throw missingAttr('timeout', 'reconnect');
  }
}

/** What libvirt requires of one socket chardev's sources once they are read. */
function validate(chr: XmlElement, sources: XmlElement[]): void {
  const type = attr(chr, 'type');
  const connect = sources.find((s) => attr(s, 'mode') !== 'bind');
  if (type === 'tcp') {
    const src = sources[0];
    if (!src || attr(src, 'host') === undefined) throw missing('host');
    if (attr(src, 'service') === undefined) throw missing('service');
  } else if (type === 'udp') {
    if (!connect || attr(connect, 'service') === undefined) throw missing('service');
  } else if (type === 'unix') {
    const target = firstChild(chr, 'target');
    const autoPath = chr.name === 'channel' && AUTO_PATH_CHANNELS.has(attr(target ?? chr, 'type') ?? '');
    if (!sources.some((s) => attr(s, 'path') !== undefined) && !autoPath) throw missing('path');
  }
  for (const s of sources) {
    const reconnect = firstChild(s, 'reconnect');
    if (reconnect && attr(reconnect, 'enabled') === 'yes' && attr(s, 'mode') === 'bind') {
      throw internal('chardev reconnect is possible only for connect mode');
    }
  }
}

/**
 * libvirt's parse-time rules for the sources of socket character devices (TCP, UDP, UNIX),
 * wherever one appears: how many sources a type takes and a reconnect's timeout.
 */
export function checkChardevSources(devices: readonly XmlElement[]): void {
  for (const chr of hostSides(devices)) {
    const sources = childElements(chr, 'source');
    const type = attr(chr, 'type');
    if (type === 'udp' && sources.length > 2) throw xmlError('only two source elements are allowed for character device');
    if ((type === 'tcp' || type === 'unix') && sources.length > 1) throw xmlError('only one source element is allowed for character device');
    sources.forEach(checkReconnect);
  }
}

/**
 * libvirt's validation of the same sources (virDomainChrSourceDefValidate, after the hypervisor
 * driver's own checks): the host, service and path each type needs, reconnection only when connecting.
 */
export function validateChardevSources(devices: readonly XmlElement[]): void {
  for (const chr of hostSides(devices)) validate(chr, childElements(chr, 'source'));
}
