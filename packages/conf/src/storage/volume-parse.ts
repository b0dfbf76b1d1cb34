import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, element, firstChild, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';
import { xmlError } from '../xml/xml-errors.js';
import { toBytes } from '../units.js';
import type { StoragePoolDef } from './pool-def.js';
import type { StorageVolDef } from './volume-def.js';
import { normalisePermissions, sanitizePath } from './storage-common.js';

const D = ErrorDomain.STORAGE;
/** The volume type each pool type gives its volumes. */
const VOLUME_TYPE: Record<string, string> = {
  dir: 'file', fs: 'file', netfs: 'file', vstorage: 'file',
  logical: 'block', disk: 'block', iscsi: 'block', 'iscsi-direct': 'network', scsi: 'block', mpath: 'block', zfs: 'block',
  rbd: 'network', gluster: 'network', sheepdog: 'network',
};
/** File-backed pools format a new volume as raw unless told otherwise. */
const FILE_POOLS = new Set(['dir', 'fs', 'netfs', 'vstorage']);

function sizeOf(el: XmlElement | undefined, what: string): number | undefined {
  if (!el) return undefined;
  const text = textOf(el).trim();
  if (!/^\d+$/.test(text)) throw xmlError(`malformed ${what} element`, D);
  return toBytes(Number(text), attr(el, 'unit'));
}

/** qcow2 options: the cluster size in bytes, and compat 1.1 implied by any v3 feature or option. */
function normaliseQcow2(target: XmlElement): void {
  const format = firstChild(target, 'format');
  if (!format || attr(format, 'type') !== 'qcow2') return;
  const cluster = firstChild(target, 'clusterSize');
  if (cluster) {
    const bytes = sizeOf(cluster, 'clusterSize')!;
    cluster.children = [textNode(String(bytes))];
    setAttr(cluster, 'unit', 'B');
  }
  if (!firstChild(target, 'compat') && (cluster || firstChild(target, 'features'))) target.children.push(element('compat', [], [textNode('1.1')]));
}

/** Parses `<volume>` XML in the context of its pool, applying libvirt's storage conf normalisations. */
export function parseStorageVolXML(xml: string, pool: StoragePoolDef): StorageVolDef {
  const root = parseXml(xml, 'storage_volume_definition', ErrorDomain.STORAGE);
  if (root.name !== 'volume') throw xmlError(`expecting root element of 'volume', not '${root.name}'`, D);
  const nameEl = firstChild(root, 'name');
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw xmlError('missing volume name element', D);
  const type = attr(root, 'type') ?? VOLUME_TYPE[pool.type] ?? 'file';
  const capacity = sizeOf(firstChild(root, 'capacity'), 'capacity') ?? 0;
  const allocation = sizeOf(firstChild(root, 'allocation'), 'allocation') ?? capacity;

  // Source extents and timestamps describe the volume as found on the host, never a request.
  root.children = root.children.filter((c) => c.kind !== 'element' || !['source', 'capacity', 'allocation'].includes(c.name));
  const target = firstChild(root, 'target');
  for (const t of [target, firstChild(root, 'backingStore')]) {
    if (!t) continue;
    t.children = t.children.filter((c) => c.kind !== 'element' || c.name !== 'timestamps');
    const pathEl = firstChild(t, 'path');
    if (pathEl) pathEl.children = [textNode(sanitizePath(textOf(pathEl).trim()))];
    const perms = firstChild(t, 'permissions');
    if (perms) normalisePermissions(perms);
  }
  if (target && FILE_POOLS.has(pool.type) && !firstChild(target, 'format')) target.children.push(element('format', [['type', 'raw']]));
  if (target) normaliseQcow2(target);
  const formatEl = target && firstChild(target, 'format');
  const format = formatEl && attr(formatEl, 'type');
  const keyEl = firstChild(root, 'key');
  return {
    type,
    name,
    ...(keyEl ? { key: textOf(keyEl).trim() } : {}),
    capacity,
    allocation,
    ...(format !== undefined ? { format } : {}),
    xml: root,
  };
}
