import { POOL_PART_MODELS, formatPoolSourcesXML, parseXml } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { POOL_TYPE_NAMES } from './storage-xml.js';

const D = ErrorDomain.TEST;

/** The two volume groups libvirt's test driver pretends to find. */
const LOGICAL_SOURCES = [
  { devices: [{ path: '/dev/sda20' }], name: 'testvg1', format: 'lvm2' },
  { devices: [{ path: '/dev/sda21' }], name: 'testvg2', format: 'lvm2' },
];

/**
 * virConnectFindStoragePoolSources of libvirt's test driver: canned volume groups for `logical`,
 * an NFS export `/testshare` on the first host of the `<source>` asked about for `netfs`, nothing
 * for other types. `dir`, the first pool type, is taken for an unknown one, a quirk of libvirt's
 * code kept here because it is what virsh shows.
 */
export function findPoolSources(type: string, srcSpec: string | undefined, flags: number): string {
  checkFlags(flags, 0, 'testConnectFindStoragePoolSources', D);
  if (type === POOL_TYPE_NAMES[0]) throw new VirError(ErrorCode.INTERNAL_ERROR, `unknown storage pool type ${type}`, D);
  const source = srcSpec === undefined ? undefined : parseXml(srcSpec, 'storage_source_specification');
  if (source && source.name !== 'source') {
    throw new VirError(ErrorCode.XML_ERROR, `expecting root element of 'source', not '${source.name}'`, ErrorDomain.STORAGE);
  }
  if (type === 'logical') return formatPoolSourcesXML(LOGICAL_SOURCES);
  if (type === 'netfs') {
    const host = source && POOL_PART_MODELS.source.parse(source).hosts?.[0];
    if (!host) throw new VirError(ErrorCode.INVALID_ARG, 'hostname must be specified for netfs sources', D);
    return formatPoolSourcesXML([{ hosts: [{ name: host.name ?? '' }], dir: '/testshare', format: 'nfs' }]);
  }
  throw new VirError(ErrorCode.NO_SUPPORT, `pool type '${type}' does not support source discovery`, D);
}
