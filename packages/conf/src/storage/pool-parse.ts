import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, element, firstChild, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { generateUUID, parseUUID } from '../uuid.js';
import type { StoragePoolDef } from './pool-def.js';
import { normalisePermissions, sanitizePath } from './storage-common.js';
import { setAttr } from '../xml/xml-edit.js';

const D = ErrorDomain.STORAGE;
/** Runtime sizes: libvirt recomputes them on refresh and never reads them from a definition. */
const SIZES = ['capacity', 'allocation', 'available'] as const;
/** The source format a pool type gets when the document names none. */
const DEFAULT_FORMAT: Record<string, string> = { logical: 'lvm2', netfs: 'auto', fs: 'auto', disk: 'unknown' };

/** Where the volumes of a volume-group pool appear on the host. */
const DEVICE_DIR: Record<string, string> = { logical: '/dev/', zfs: '/dev/zvol/' };

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

/** Parses `<pool>` XML, applying the normalisations libvirt's storage conf layer makes. */
export function parseStoragePoolXML(xml: string): StoragePoolDef {
  const root = parseXml(xml, 'storage_pool_definition', ErrorDomain.STORAGE);
  if (root.name !== 'pool') throw xmlError(`expecting root element of 'pool', not '${root.name}'`, D);
  const type = attr(root, 'type');
  if (!type) throw xmlError('storage pool missing type attribute', D);
  const source = ensureChild(root, 'source');
  const sourceName = firstChild(source, 'name');
  let nameEl = firstChild(root, 'name');
  // An LVM pool without a name takes its volume group's.
  if (!nameEl && type === 'logical' && sourceName) {
    nameEl = element('name', [], [textNode(textOf(sourceName).trim())]);
    root.children.unshift(nameEl);
  }
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw xmlError('missing pool name element', D);
  const uuidEl = firstChild(root, 'uuid');
  const uuid = uuidEl ? parseUUID(textOf(uuidEl)) : generateUUID();
  if (!uuid) throw xmlError('malformed uuid element', D);
  if (uuidEl) setText(uuidEl, uuid);
  else root.children.push(element('uuid', [], [textNode(uuid)]));

  root.children = root.children.filter((c) => c.kind !== 'element' || !(SIZES as readonly string[]).includes(c.name));
  for (const dev of childElements(source, 'device')) dev.children = dev.children.filter((c) => c.kind !== 'element' || c.name !== 'freeExtent');
  if (type in DEVICE_DIR && !firstChild(source, 'name')) source.children.push(element('name', [], [textNode(name)]));
  const format = DEFAULT_FORMAT[type];
  if (format !== undefined && !firstChild(source, 'format')) source.children.push(element('format', [['type', format]]));

  for (const dir of childElements(source, 'dir')) setAttr(dir, 'path', sanitizePath(attr(dir, 'path') ?? ''));
  const adapter = firstChild(source, 'adapter');
  if (adapter && !attr(adapter, 'type') && attr(adapter, 'name') !== undefined) setAttr(adapter, 'type', 'scsi_host');

  if (type === 'gluster' && !firstChild(source, 'dir')) source.children.push(element('dir', [['path', '/']]));
  const deviceDir = DEVICE_DIR[type];
  if (deviceDir !== undefined) {
    // LVM and ZFS volumes always live under the device directory of their group, whatever the document says.
    const group = textOf(firstChild(source, 'name')!).trim();
    setText(ensureChild(ensureChild(root, 'target'), 'path'), `${deviceDir}${group}`);
  }
  const target = firstChild(root, 'target');
  const targetPathEl = target && firstChild(target, 'path');
  if (targetPathEl) setText(targetPathEl, sanitizePath(textOf(targetPathEl).trim()));
  const perms = target && firstChild(target, 'permissions');
  if (perms) normalisePermissions(perms);
  const pathEl = target && firstChild(target, 'path');
  const targetPath = pathEl ? textOf(pathEl).trim() : undefined;
  return { type, name, uuid, capacity: 0, allocation: 0, available: 0, ...(targetPath !== undefined ? { targetPath } : {}), xml: root };
}
