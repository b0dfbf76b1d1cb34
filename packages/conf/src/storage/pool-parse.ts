import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, element, firstChild, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { missingAttr } from '../model/codec.js';
import { generateUUID, parseUUID } from '../uuid.js';
import type { StoragePoolDef } from './pool-def.js';
import { normalisePermissions, sanitizePath } from './storage-common.js';
import { setAttr } from '../xml/xml-edit.js';
import { POOL_TYPES, type PoolSourcePart } from './pool-types.js';
import { checkPoolSource, hasSourcePart, validateAdapter } from './pool-source.js';
import { own } from '../own.js';

const D = ErrorDomain.STORAGE;
/** Runtime sizes: libvirt recomputes them on refresh and never reads them from a definition. */
const SIZES = ['capacity', 'allocation', 'available'] as const;
/** What libvirt says when a pool type's required part is missing; its keys are the source elements behind the parts. */
const MISSING: Readonly<Record<PoolSourcePart, string>> = {
  host: 'missing storage pool source host name',
  dir: 'missing storage pool source path',
  name: 'missing pool source name element',
  adapter: 'missing storage pool source adapter',
  device: 'missing storage pool source device name',
  initiator: 'missing initiator IQN',
};
/** libvirt checks the required parts in this order. */
const REQUIRED_ORDER: readonly PoolSourcePart[] = ['host', 'dir', 'name', 'adapter', 'device'];

/** Returns the child `name` of `parent`, appending an empty one when there is none. */
function ensureChild(parent: XmlElement, name: string): XmlElement {
  let el = firstChild(parent, name);
  if (!el) {
    el = element(name);
    parent.children.push(el);
  }
  return el;
}

function setText(el: XmlElement, text: string): void {
  el.children = [textNode(text)];
}

function dropChildren(parent: XmlElement, drop: (name: string) => boolean): void {
  parent.children = parent.children.filter((c) => c.kind !== 'element' || !drop(c.name));
}

/** The pool type, required and one of libvirt's (both checked by libvirt's XML property reader). */
function poolType(root: XmlElement): string {
  const type = attr(root, 'type');
  if (type === undefined) throw missingAttr('type', 'pool');
  if (own(POOL_TYPES, type) === undefined) throw xmlError(`Invalid value for attribute 'type' in element 'pool': '${type}'.`, ErrorDomain.XML);
  return type;
}

/**
 * Parses `<pool>` XML with the checks and normalisations libvirt's storage conf layer makes, in its
 * order: the type, the source as read, the name and uuid, what the pool type requires of its
 * source, the target path (none for network pools) and an iSCSI-direct pool's initiator.
 */
export function parseStoragePoolXML(xml: string): StoragePoolDef {
  const root = parseXml(xml, 'storage_pool_definition', ErrorDomain.STORAGE);
  if (root.name !== 'pool') throw xmlError(`expecting root element of 'pool', not '${root.name}'`, ErrorDomain.XML);
  const type = poolType(root);
  const info = own(POOL_TYPES, type)!;
  const source = ensureChild(root, 'source');
  checkPoolSource(source, info);
  const reads = (part: PoolSourcePart): boolean => info.source.includes(part);

  let nameEl = firstChild(root, 'name');
  // A pool that reads a source name and has no name of its own takes its source's.
  if (!nameEl && reads('name') && hasSourcePart(source, 'name')) {
    nameEl = element('name', [], [textNode(textOf(firstChild(source, 'name')!).trim())]);
    root.children.unshift(nameEl);
  }
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw xmlError('missing pool source name element', D);
  if (name.includes('/')) throw xmlError(`name ${name} cannot contain '/'`, D);
  const uuidEl = firstChild(root, 'uuid');
  const uuidText = uuidEl ? textOf(uuidEl).trim() : '';
  const uuid = uuidText ? parseUUID(uuidText) : generateUUID();
  if (!uuid) throw xmlError('malformed uuid element', D);
  if (uuidEl) setText(uuidEl, uuid);
  else root.children.push(element('uuid', [], [textNode(uuid)]));

  for (const part of REQUIRED_ORDER) {
    if (!info.required.includes(part) || hasSourcePart(source, part)) continue;
    if (part === 'name' && type === 'rbd') throw xmlError("element 'name' is mandatory for RBD pool", D);
    // Other pools name their source after themselves.
    if (part === 'name') {
      // An empty `<name/>` counts as none and gives way to the pool's name.
      source.children = source.children.filter((c) => c.kind !== 'element' || c.name !== 'name');
      source.children.push(element('name', [], [textNode(name)]));
    }
    else throw xmlError(MISSING[part], D);
  }
  const adapter = firstChild(source, 'adapter');
  if (adapter && reads('adapter')) {
    if (!attr(adapter, 'type')) setAttr(adapter, 'type', 'scsi_host');
    validateAdapter(adapter);
  }

  // libvirt prints only the source parts a pool type reads, and a pool format only where it has one.
  dropChildren(source, (n) => (n === 'format' ? !info.poolFormats : Object.hasOwn(MISSING, n) && !reads(n as PoolSourcePart)));
  dropChildren(root, (n) => (SIZES as readonly string[]).includes(n) || (info.network === true && n === 'target'));
  for (const dev of childElements(source, 'device')) dropChildren(dev, (n) => n === 'freeExtent');
  for (const host of childElements(source, 'host')) if (attr(host, 'port') === '0') host.attrs = host.attrs.filter(([k]) => k !== 'port');
  if (info.poolFormats && !firstChild(source, 'format')) source.children.push(element('format', [['type', info.poolFormats.dflt]]));
  if (type === 'gluster' && !firstChild(source, 'dir')) source.children.push(element('dir', [['path', '/']]));

  if (info.deviceDir !== undefined) {
    // LVM and ZFS volumes always live under the device directory of their group, whatever the document says.
    const group = textOf(firstChild(source, 'name')!).trim();
    setText(ensureChild(ensureChild(root, 'target'), 'path'), `${info.deviceDir}${group}`);
  }
  const target = firstChild(root, 'target');
  const pathEl = target && firstChild(target, 'path');
  const targetPath = pathEl ? sanitizePath(textOf(pathEl).trim()) : undefined;
  if (pathEl) setText(pathEl, targetPath!);
  if (!info.network && !targetPath) throw xmlError('missing storage pool target path', D);
  const perms = target && firstChild(target, 'permissions');
  if (perms) normalisePermissions(perms);
  if (info.required.includes('initiator') && !hasSourcePart(source, 'initiator')) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, MISSING.initiator, D);
  }
  return { type, name, uuid, capacity: 0n, allocation: 0n, available: 0n, ...(targetPath !== undefined ? { targetPath } : {}), xml: root };
}
