import { parseStoragePoolXML, parseStorageVolXML, type StoragePoolDef, type StorageVolDef } from '@tsvirt/conf';

export { POOL_TYPE_NAMES } from '@tsvirt/conf';

/** A pool definition as libvirt's test driver reads one: conf makes all of libvirt's checks. */
export function parsePoolXML(xml: string): StoragePoolDef {
  return parseStoragePoolXML(xml);
}

/**
 * A volume definition as libvirt's test driver reads one: conf makes libvirt's checks and gives
 * the volume its pool type's format rules; the type is `file` unless the document names one
 * (the pool's own volume type is what virStorageVolGetInfo reports, not what the XML shows).
 */
export function parseVolXML(xml: string, pool: StoragePoolDef): StorageVolDef {
  return parseStorageVolXML(xml, pool);
}
