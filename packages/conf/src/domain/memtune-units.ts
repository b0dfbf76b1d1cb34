import { toKiB } from '../units.js';
import { attr, childElements, firstChild, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';

/** `<memtune>` as libvirt keeps it: each limit in KiB, written with `unit='KiB'` whatever unit it came in. */
export function memtuneUnits(root: XmlElement): void {
  const memtune = firstChild(root, 'memtune');
  if (!memtune) return;
  for (const limit of childElements(memtune)) {
    const text = textOf(limit).trim();
    if (!/^\d+$/.test(text)) continue;
    const unit = attr(limit, 'unit');
    if (unit === 'KiB') continue;
    limit.children = [textNode(String(toKiB(Number(text), unit ?? 'KiB')))];
    setAttr(limit, 'unit', 'KiB');
  }
}
