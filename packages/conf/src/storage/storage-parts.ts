import { at, attr, body, child, childText, flag, list, model, type Binding } from '../model/binding.js';
import { uint, yesNo } from '../model/codec.js';
import { readParts, writeParts, type PartModels, type PartOf } from '../model/document-parts.js';
import { firstChild, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';
import type { StoragePoolDef } from './pool-def.js';
import type { StorageVolDef } from './volume-def.js';

/** `<permissions>` as conf normalises it: mode in octal text, owner and group as decimal ids. */
const PERMISSIONS = child('permissions', { mode: childText('mode'), owner: childText('owner'), group: childText('group'), label: childText('label') });

/** `<timestamps>` of a volume's target or backing store, as libvirt prints a stat's times (`seconds[.nanoseconds]`). */
const TIMESTAMPS = child('timestamps', { atime: childText('atime'), mtime: childText('mtime'), ctime: childText('ctime'), btime: childText('btime') });

/** A size in bytes as parse normalises it and libvirt prints it: `<clusterSize unit='B'>65536</clusterSize>`. */
function bytesIn(name: string): Binding<number> {
  const text = childText(name, uint);
  return {
    read: (el) => text.read(el),
    write(el, v) {
      text.write(el, v);
      const c = firstChild(el, name);
      if (c && v !== undefined) setAttr(c, 'unit', 'B');
    },
  };
}

/** The typed models of a `<pool>`'s top-level parts, by element name. */
export const POOL_PART_MODELS = {
  source: model('source', () => ({
    hosts: list('host', { name: attr('name'), port: attr('port', uint) }),
    devices: list('device', { path: attr('path'), partSeparator: attr('part_separator', yesNo) }),
    dir: at('dir', attr('path')),
    adapter: child('adapter', {
      type: attr('type'), name: attr('name'), parent: attr('parent'), managed: attr('managed', yesNo),
      wwnn: attr('wwnn'), wwpn: attr('wwpn'), parentWwnn: attr('parent_wwnn'), parentWwpn: attr('parent_wwpn'),
      parentFabricWwn: attr('parent_fabric_wwn'),
      // A scsi_host adapter found by the PCI address of its HBA and the host's unique_id.
      parentaddr: child('parentaddr', {
        uniqueId: attr('unique_id', uint),
        address: child('address', { domain: attr('domain', uint), bus: attr('bus', uint), slot: attr('slot', uint), function: attr('function', uint) }),
      }),
    }),
    name: childText('name'),
    format: at('format', attr('type')),
    vendor: at('vendor', attr('name')),
    product: at('product', attr('name')),
    auth: child('auth', { type: attr('type'), username: attr('username'), secret: child('secret', { usage: attr('usage'), uuid: attr('uuid') }) }),
    initiatorIqn: at('initiator', at('iqn', attr('name'))),
    protocolVersion: at('protocol', attr('ver')),
  })),
  target: model('target', () => ({ path: childText('path'), permissions: PERMISSIONS })),
} as const;

/** The typed models of a `<volume>`'s top-level parts, by element name. */
export const VOLUME_PART_MODELS = {
  key: model('key', () => ({ value: body() })),
  target: model('target', () => ({
    path: childText('path'),
    format: at('format', attr('type')),
    permissions: PERMISSIONS,
    timestamps: TIMESTAMPS,
    compat: childText('compat'),
    nocow: flag('nocow'),
    clusterSize: bytesIn('clusterSize'),
    lazyRefcounts: at('features', flag('lazy_refcounts')),
    extendedL2: at('features', flag('extended_l2')),
    encryptionFormat: at('encryption', attr('format')),
    encryptionSecret: at('encryption', child('secret', { type: attr('type'), uuid: attr('uuid'), usage: attr('usage') })),
    encryptionCipher: at('encryption', child('cipher', { name: attr('name'), size: attr('size'), mode: attr('mode'), hash: attr('hash') })),
    encryptionIvgen: at('encryption', child('ivgen', { name: attr('name'), hash: attr('hash') })),
  })),
  backingStore: model('backingStore', () => ({ path: childText('path'), format: at('format', attr('type')), permissions: PERMISSIONS, timestamps: TIMESTAMPS })),
  source: model('source', () => ({ devices: list('device', { path: attr('path'), extents: list('extent', { start: attr('start', uint), end: attr('end', uint) }) }) })),
} as const;

export type PoolPartKind = keyof typeof POOL_PART_MODELS;
export type PoolPart<K extends PoolPartKind> = PartOf<typeof POOL_PART_MODELS, K>;
export type VolumePartKind = keyof typeof VOLUME_PART_MODELS;
export type VolumePart<K extends VolumePartKind> = PartOf<typeof VOLUME_PART_MODELS, K>;

/** The `kind` part of a pool (`source`, `target`), typed, or undefined. */
export function poolPart<K extends PoolPartKind>(def: StoragePoolDef, kind: K): PoolPart<K> | undefined {
  return readParts(POOL_PART_MODELS, def.xml, kind)[0];
}

/**
 * A copy of `def` with its `kind` part replaced (undefined removes it), and its typed field `key`
 * set to what `mirror` reads from the new part (removed when it reads nothing).
 */
function withPart<D extends { xml: XmlElement }, T extends PartModels, K extends keyof T & string, F extends keyof D>(
  models: T, def: D, kind: K, value: PartOf<T, K> | undefined, key: F, mirror?: (v: PartOf<T, K> | undefined) => D[F] | undefined,
): D {
  const out: D = { ...def, xml: writeParts(models, def.xml, kind, value ? [value] : []) };
  if (!mirror) return out;
  const v = mirror(value);
  if (v === undefined) delete out[key];
  else out[key] = v;
  return out;
}

/** A copy of the pool with its `kind` part replaced (undefined removes it); `targetPath` follows the target. */
export function withPoolPart<K extends PoolPartKind>(def: StoragePoolDef, kind: K, value: PoolPart<K> | undefined): StoragePoolDef {
  return withPart(POOL_PART_MODELS, def, kind, value, 'targetPath', kind === 'target' ? (v) => (v as PoolPart<'target'> | undefined)?.path : undefined);
}

/** The `kind` part of a volume (`key`, `target`, `backingStore`, `source`), typed, or undefined. */
export function volumePart<K extends VolumePartKind>(def: StorageVolDef, kind: K): VolumePart<K> | undefined {
  return readParts(VOLUME_PART_MODELS, def.xml, kind)[0];
}

/** A copy of the volume with its `kind` part replaced (undefined removes it); `format` follows the target's, `key` the key's. */
export function withVolumePart<K extends VolumePartKind>(def: StorageVolDef, kind: K, value: VolumePart<K> | undefined): StorageVolDef {
  if (kind === 'key') return withPart(VOLUME_PART_MODELS, def, kind, value, 'key', (v) => (v as VolumePart<'key'> | undefined)?.value);
  return withPart(VOLUME_PART_MODELS, def, kind, value, 'format', kind === 'target' ? (v) => (v as VolumePart<'target'> | undefined)?.format : undefined);
}
