import { ceilKiB, toBytes } from '../units.js';
import { childElements, firstChild, attr, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';

/** libvirt's "no limit" (VIR_DOMAIN_MEMORY_PARAM_UNLIMITED, KiB): a limit this high is not kept at all. */
const UNLIMITED_KIB = 2n ** 53n - 1n;

/**
 * `<memtune>` as libvirt keeps it (virDomainParseMemoryLimit): each limit in KiB, written with
 * `unit='KiB'` whatever unit it came in, exactly; at most "unlimited" in bytes, and a limit of
 * "unlimited" or more is dropped, as libvirt prints only the limits that are set.
 */
export function memtuneUnits(root: XmlElement): void {
  const memtune = firstChild(root, 'memtune');
  if (!memtune) return;
  const dropped = new Set<XmlElement>();
  for (const limit of childElements(memtune)) {
    const text = textOf(limit).trim();
    if (!/^\d+$/.test(text)) continue;
    const kib = ceilKiB(toBytes(text, attr(limit, 'unit'), 'KiB', UNLIMITED_KIB * 1024n));
    if (kib >= UNLIMITED_KIB) dropped.add(limit);
    limit.children = [textNode(String(kib))];
    setAttr(limit, 'unit', 'KiB');
  }
  memtune.children = memtune.children.filter((c) => c.kind !== 'element' || !dropped.has(c));
  if (childElements(memtune).length === 0) root.children = root.children.filter((c) => c !== memtune);
}
