import { own } from '../own.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';
import { xmlError } from '../xml/xml-errors.js';
import { int, oneOf, yesNo, type Codec } from '../model/codec.js';
import { parseUUID } from '../uuid.js';
import type { PoolSourcePart, PoolTypeInfo } from './pool-types.js';
import { sanitizePath } from './storage-common.js';

const D = ErrorDomain.STORAGE;
const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, D);

/** Reads attribute `name` of `el` through `codec`, raising libvirt's message for a bad value. */
function read<T>(el: XmlElement, name: string, codec: Codec<T>): T | undefined {
  const v = attr(el, name);
  return v === undefined ? undefined : codec.decode(v, { attr: name, element: el.name });
}

/** libvirt reads ports as C ints: out of that range is as wrong as a word. */
const int32: Codec<number> = {
  decode(s, at) {
    const v = int.decode(s, at);
    if (v < -(2 ** 31) || v >= 2 ** 31) throw xmlError(`Invalid value for attribute '${at.attr}' in element '${at.element}': '${s}'. Expected integer value`, ErrorDomain.XML);
    return v;
  },
  encode: int.encode,
};

const ADAPTER_TYPES = oneOf('scsi_host', 'fc_host');
const AUTH_TYPES = new Set(['chap', 'ceph']);

function checkAuth(auth: XmlElement): void {
  if (!attr(auth, 'username')) throw xmlError('missing username for auth', D);
  const type = attr(auth, 'type');
  if (type !== undefined && !AUTH_TYPES.has(type)) throw unsupported(`unknown auth type '${type}'`);
  const secret = firstChild(auth, 'secret');
  if (!secret) throw xmlError('Missing <secret> element in auth', D);
  const uuid = attr(secret, 'uuid');
  const usage = attr(secret, 'usage');
  // libvirt's shared secret reader reports without a domain.
  if (uuid === undefined && usage === undefined) throw xmlError('missing secret uuid or usage attribute', ErrorDomain.NONE);
  if (uuid !== undefined && usage !== undefined) throw xmlError('either secret uuid or usage expected', ErrorDomain.NONE);
  if (uuid !== undefined && !parseUUID(uuid)) throw xmlError(`invalid secret uuid '${uuid}'`, ErrorDomain.NONE);
  if (type === undefined) throw unsupported('storage pool missing auth type');
}

function checkAdapter(adapter: XmlElement): void {
  const type = read(adapter, 'type', ADAPTER_TYPES);
  if (type === undefined) {
    // Without a type only a SCSI host's name is understood.
    if (['wwnn', 'wwpn', 'parent'].some((a) => attr(adapter, a) !== undefined)) {
      throw xmlError("Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'", D);
    }
    if (firstChild(adapter, 'parentaddr')) throw xmlError("Use of 'parentaddr' element requires use of the adapter 'type'", D);
  }
  if (type === 'fc_host') read(adapter, 'managed', yesNo);
  const parentaddr = firstChild(adapter, 'parentaddr');
  if (parentaddr && !/^\d+$/.test(attr(parentaddr, 'unique_id') ?? '')) throw xmlError("Missing or invalid scsi adapter 'unique_id' value", D);
}

/**
 * The checks libvirt makes while it reads a pool's `<source>`, whatever the pool's type, in its
 * order: the source format (for the types that have one), hosts, devices, the directory path,
 * the adapter, the authentication and the protocol version.
 */
export function checkPoolSource(source: XmlElement, info: PoolTypeInfo): void {
  const format = firstChild(source, 'format');
  const formatType = format && attr(format, 'type');
  if (info.poolFormats && formatType !== undefined && !info.poolFormats.names.includes(formatType)) {
    throw unsupported(`unknown pool format type ${formatType}`);
  }
  for (const host of childElements(source, 'host')) {
    if (!attr(host, 'name')) throw xmlError('missing storage pool host name', D);
    read(host, 'port', int32);
  }
  for (const device of childElements(source, 'device')) {
    if (!attr(device, 'path')) throw xmlError('missing storage pool source device path', D);
    read(device, 'part_separator', yesNo);
  }
  for (const dir of childElements(source, 'dir')) {
    const path = attr(dir, 'path');
    if (path !== undefined) setAttr(dir, 'path', sanitizePath(path));
  }
  const adapter = firstChild(source, 'adapter');
  if (adapter) checkAdapter(adapter);
  const auth = firstChild(source, 'auth');
  if (auth) checkAuth(auth);
  const protocol = firstChild(source, 'protocol');
  if (protocol && attr(protocol, 'ver') !== undefined && info.poolFormats && formatType === 'cifs') {
    throw unsupported("storage pool protocol ver unsupported for pool type 'cifs'");
  }
}

/** Whether the source gives `part`: an element with the attribute or text that makes it count. */
export function hasSourcePart(source: XmlElement, part: PoolSourcePart): boolean {
  switch (part) {
    case 'host': return firstChild(source, 'host') !== undefined;
    case 'device': return firstChild(source, 'device') !== undefined;
    case 'dir': return childElements(source, 'dir').some((d) => attr(d, 'path') !== undefined);
    case 'name': {
      const name = firstChild(source, 'name');
      return name !== undefined && textOf(name).trim() !== '';
    }
    case 'initiator': {
      const iqn = firstChild(firstChild(source, 'initiator') ?? source, 'iqn');
      return iqn !== undefined && !!attr(iqn, 'name');
    }
    case 'adapter': {
      const adapter = firstChild(source, 'adapter');
      return adapter !== undefined && (attr(adapter, 'type') !== undefined || attr(adapter, 'name') !== undefined);
    }
  }
}

const WWN = /^(0x)?[\da-f]{16}$/i;

/** What each adapter type is made of; libvirt reads (and prints) only its own type's parts. */
const ADAPTER_PARTS: Record<string, readonly string[]> = {
  scsi_host: ['name', 'parentaddr'],
  fc_host: ['parent', 'managed', 'parent_wwnn', 'parent_wwpn', 'parent_fabric_wwn', 'wwnn', 'wwpn'],
};
const ADAPTER_ALL = new Set(Object.values(ADAPTER_PARTS).flat());

/** Drops the attributes and children that belong to the other adapter type; unknown ones stay. */
function keepAdapterParts(adapter: XmlElement, type: string): void {
  const parts = new Set(own(ADAPTER_PARTS, type));
  const foreign = (name: string): boolean => ADAPTER_ALL.has(name) && !parts.has(name);
  adapter.attrs = adapter.attrs.filter(([name]) => !foreign(name));
  adapter.children = adapter.children.filter((c) => c.kind !== 'element' || !foreign(c.name));
}

/** The adapter checks libvirt makes once the pool is read: what each adapter type needs. */
export function validateAdapter(adapter: XmlElement): void {
  const type = attr(adapter, 'type') ?? 'scsi_host';
  keepAdapterParts(adapter, type);
  if (type === 'scsi_host') {
    const hasName = attr(adapter, 'name') !== undefined;
    const hasParent = firstChild(adapter, 'parentaddr') !== undefined;
    if (!hasName && !hasParent) throw xmlError("Either 'name' or 'parent' must be specified for the 'scsi_host' adapter", D);
    if (hasName && hasParent) throw xmlError("Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter", D);
    return;
  }
  const wwnn = attr(adapter, 'wwnn');
  const wwpn = attr(adapter, 'wwpn');
  if (wwnn === undefined || wwpn === undefined) throw xmlError("'wwnn' and 'wwpn' must be specified for adapter type 'fchost'", D);
  for (const wwn of [wwnn, wwpn]) {
    if (!WWN.test(wwn)) throw new VirError(ErrorCode.INTERNAL_ERROR, `Malformed wwn: ${wwn}`, ErrorDomain.NONE);
  }
}
