import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement } from '../xml/xml-node.js';
import type { DomainDef } from './domain-def.js';
import { deviceElement, type DomainDevice } from './devices/index.js';

/**
 * A copy of the definition with many devices replaced in one pass: each `[old, dev]` pair names a
 * device read from `def` and what takes its place (written over its source element, or `old`'s).
 * Thousands of edits cost one walk over the devices, where `replaceDevice` in a loop would cost
 * one walk each.
 */
export function replaceDevices(def: DomainDef, edits: ReadonlyArray<readonly [old: DomainDevice, dev: DomainDevice]>): DomainDef {
  if (edits.length === 0) return def;
  const by = new Map<XmlElement | undefined, DomainDevice>();
  for (const [old, dev] of edits) by.set(old.xml, dev.xml || old.kind !== dev.kind ? dev : ({ ...dev, xml: old.xml } as DomainDevice));
  let found = 0;
  const devices = mapPacked(def.devices, (el) => {
    const dev = by.get(el);
    if (!dev) return el;
    found++;
    return deviceElement(dev);
  });
  if (found !== by.size) throw new VirError(ErrorCode.INTERNAL_ERROR, `device is not part of domain '${def.name}'`, ErrorDomain.DOMAIN);
  return { ...def, devices };
}
