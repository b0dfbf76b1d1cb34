import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, element, firstChild, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { generateUUID, parseUUID } from '../uuid.js';
import type { StoragePoolDef } from './pool-def.js';

const D = ErrorDomain.STORAGE;
/** Runtime sizes: libvirt recomputes them on refresh and never reads them from a definition. */
const SIZES = ['capacity', 'allocation', 'available'] as const;
/** The source format a pool type gets when the document names none. */
const DEFAULT_FORMAT: Record<string, string> = { logical: 'lvm2', netfs: 'auto', fs: 'auto', disk: 'unknown' };

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
  const root = parseXml(xml, 'pool_definition');
  if (root.name !== 'pool') throw xmlError(`expecting root element of 'pool', not '${root.name}'`, D);
  const type = attr(root, 'type');
  if (!type) throw xmlError('storage pool missing type attribute', D);
  const nameEl = firstChild(root, 'name');
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw xmlError('missing pool source name element', D);
  const uuidEl = firstChild(root, 'uuid');
  const uuid = uuidEl ? parseUUID(textOf(uuidEl)) : generateUUID();
  if (!uuid) throw xmlError('malformed uuid element', D);
  if (uuidEl) setText(uuidEl, uuid);
  else root.children.push(element('uuid', [], [textNode(uuid)]));

  root.children = root.children.filter((c) => c.kind !== 'element' || !(SIZES as readonly string[]).includes(c.name));
  const source = ensureChild(root, 'source');
  for (const dev of childElements(source, 'device')) dev.children = dev.children.filter((c) => c.kind !== 'element' || c.name !== 'freeExtent');
  if (type === 'logical' && !firstChild(source, 'name')) source.children.push(element('name', [], [textNode(name)]));
  const format = DEFAULT_FORMAT[type];
  if (format !== undefined && !firstChild(source, 'format')) source.children.push(element('format', [['type', format]]));

  const target = firstChild(root, 'target');
  if (type === 'logical') {
    // An LVM pool's volumes always live under /dev/VGNAME, whatever path the document gives.
    const vg = textOf(firstChild(source, 'name')!).trim();
    setText(ensureChild(ensureChild(root, 'target'), 'path'), `/dev/${vg}`);
  }
  const pathEl = target && firstChild(target, 'path');
  const targetPath = pathEl ? textOf(pathEl).trim() : undefined;
  return { type, name, uuid, capacity: 0, allocation: 0, available: 0, ...(targetPath !== undefined ? { targetPath } : {}), xml: root };
}
