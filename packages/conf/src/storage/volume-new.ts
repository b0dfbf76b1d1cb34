import { element, textNode } from '../xml/xml-node.js';
import type { StorageVolDef } from './volume-def.js';

/** What a driver knows of a volume it found on its host, beside the parts (target, backing store). */
export type StorageVolFields = Omit<StorageVolDef, 'xml' | 'format'>;

/**
 * A volume definition from its fields and no parts yet: a driver adds the target and backing
 * store it found with `withVolumePart`, and `formatStorageVolXML` prints it as libvirt does.
 */
export function newStorageVolDef(fields: StorageVolFields): StorageVolDef {
  const key = fields.key === undefined ? [] : [element('key', [], [textNode(fields.key)])];
  return { ...fields, xml: element('volume', [['type', fields.type]], [element('name', [], [textNode(fields.name)]), ...key]) };
}
