import { ErrorCode, ErrorDomain, LLONG_MAX, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, element, firstChild, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';
import { xmlError } from '../xml/xml-errors.js';
import { fitsULL, toBytes } from '../units.js';
import type { StoragePoolDef } from './pool-def.js';
import type { StorageVolDef } from './volume-def.js';
import { volumeFormats, type FormatRules } from './pool-types.js';
import { normalisePermissions, sanitizePath } from './storage-common.js';

const D = ErrorDomain.STORAGE;
const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, D);
const VOL_TYPES = new Set(['file', 'block', 'dir', 'network', 'netdir', 'ploop']);
const ENCRYPTION_FORMATS = new Set(['default', 'qcow', 'luks', 'luks2']);
const IMAGE_FEATURES = new Set(['lazy_refcounts', 'extended_l2']);

/**
 * A size in bytes, exactly; libvirt words a bad allocation as a bad capacity too, and holds sizes
 * below 2^63 (a file's size is a signed off_t).
 */
function sizeOf(el: XmlElement | undefined, what = 'capacity'): bigint | undefined {
  if (!el) return undefined;
  const text = textOf(el).trim();
  if (!/^\d+$/.test(text) || !fitsULL(text)) throw xmlError(`malformed ${what} element`, D);
  return toBytes(text, attr(el, 'unit'), 'bytes', LLONG_MAX);
}

/**
 * The `<format type>` of a target or backing store under its pool type's rules: a known format, or
 * the pool's default when none is named; volumes of pools without formats have none.
 */
function applyFormat(el: XmlElement, rules: FormatRules | undefined): string | undefined {
  const formatEl = firstChild(el, 'format');
  const named = formatEl && attr(formatEl, 'type');
  if (!rules) {
    el.children = el.children.filter((c) => c.kind !== 'element' || c.name !== 'format');
    return undefined;
  }
  if (named === undefined) {
    // An empty `<format/>` takes the default type where it stands: adding a second one would grow on every format.
    el.children = el.children.filter((c) => c.kind !== 'element' || c.name !== 'format' || c === formatEl);
    if (formatEl) setAttr(formatEl, 'type', rules.dflt);
    else el.children.push(element('format', [['type', rules.dflt]]));
    return rules.dflt;
  }
  if (!rules.names.includes(named)) throw unsupported(`unknown volume format type ${named}`);
  return named;
}

/** Image options: the cluster size in bytes, a compat level as `N.N`, and compat 1.1 implied by any v3 feature or option. */
function normaliseImageOptions(target: XmlElement): void {
  const cluster = firstChild(target, 'clusterSize');
  if (cluster) {
    cluster.children = [textNode(String(sizeOf(cluster, 'clusterSize')))];
    setAttr(cluster, 'unit', 'B');
  }
  const compat = firstChild(target, 'compat');
  if (compat && !/^\d+\.\d+$/.test(textOf(compat).trim())) throw xmlError("forbidden characters in 'compat' attribute", D);
  const features = firstChild(target, 'features');
  for (const f of features ? childElements(features) : []) if (!IMAGE_FEATURES.has(f.name)) throw unsupported(`unsupported feature ${f.name}`);
  if (!compat && (cluster || features)) target.children.push(element('compat', [], [textNode('1.1')]));
  const encryption = firstChild(target, 'encryption');
  const encFormat = encryption && attr(encryption, 'format');
  if (encFormat !== undefined && !ENCRYPTION_FORMATS.has(encFormat)) throw unsupported(`unknown volume encryption format type ${encFormat}`);
}

/** A target or backing store's path, timestamps and permissions as libvirt keeps them. */
function normaliseTarget(t: XmlElement): void {
  t.children = t.children.filter((c) => c.kind !== 'element' || c.name !== 'timestamps');
  const pathEl = firstChild(t, 'path');
  if (pathEl) pathEl.children = [textNode(sanitizePath(textOf(pathEl).trim()))];
  const perms = firstChild(t, 'permissions');
  if (perms) normalisePermissions(perms);
}

/** How a volume is read: a clone's XML may leave out its capacity (libvirt's VIR_VOL_XML_PARSE_NO_CAPACITY). */
export interface StorageVolParseOptions {
  /** The capacity of a volume whose XML names none (the source's, for a clone); else it is required. */
  readonly defaultCapacity?: bigint;
}

/**
 * Parses `<volume>` XML in the context of its pool with libvirt's storage conf checks, in its order
 * (name, type, capacity, allocation, backing store, target) and normalisations: sizes in bytes, the
 * type `file` unless named, the pool type's volume formats, image options.
 */
export function parseStorageVolXML(xml: string, pool: StoragePoolDef, options: StorageVolParseOptions = {}): StorageVolDef {
  const root = parseXml(xml, 'storage_volume_definition', ErrorDomain.STORAGE);
  if (root.name !== 'volume') throw xmlError(`expecting root element of 'volume', not '${root.name}'`, ErrorDomain.XML);
  const nameEl = firstChild(root, 'name');
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw xmlError('missing volume name element', D);
  const type = attr(root, 'type') ?? 'file';
  if (!VOL_TYPES.has(type)) throw unsupported(`unknown volume type '${type}'`);
  const capacity = sizeOf(firstChild(root, 'capacity')) ?? options.defaultCapacity;
  if (capacity === undefined) throw xmlError('missing capacity element', D);
  const allocation = sizeOf(firstChild(root, 'allocation')) ?? capacity;

  // Source extents describe the volume as found on the host, never a request.
  root.children = root.children.filter((c) => c.kind !== 'element' || !['source', 'capacity', 'allocation', 'physical'].includes(c.name));
  const rules = volumeFormats(pool.type);
  const backing = firstChild(root, 'backingStore');
  if (backing && !firstChild(backing, 'path')) root.children = root.children.filter((c) => c !== backing);
  else if (backing) {
    normaliseTarget(backing);
    applyFormat(backing, rules);
  }
  let target = firstChild(root, 'target');
  if (!target) {
    target = element('target');
    root.children.push(target);
  }
  normaliseTarget(target);
  const format = applyFormat(target, rules);
  normaliseImageOptions(target);
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
