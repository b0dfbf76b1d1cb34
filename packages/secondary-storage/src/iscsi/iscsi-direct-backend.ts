import { POOL_PART_MODELS, parseXml, type StoragePoolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { PoolBackend } from '../pool-backend.js';
import { sourceDevice, sourceOf } from '../pool-xml.js';

const D = ErrorDomain.STORAGE;

/**
 * Why an `iscsi-direct` pool cannot run in this driver. libvirt's backend talks iSCSI itself
 * through libiscsi (a userspace initiator: login with the pool's initiator IQN and CHAP secret,
 * REPORT LUNS, INQUIRY and READ CAPACITY(16) for the volumes, WRITE(16) for a wipe), with no
 * kernel session. Node cannot load libiscsi without a native addon, and this project ships none.
 */
export const NEEDS_LIBISCSI =
  "it needs libiscsi's userspace initiator in the process (a native addon binding libiscsi, or an iSCSI initiator written for Node), " +
  "which this driver has not; an 'iscsi' pool reaches the same target through open-iscsi's kernel initiator";

/** The one host and the initiator IQN an iscsi-direct source must name, as libvirt's backend checks them. */
function checkedSource(host: readonly unknown[] | undefined, iqn: string | undefined): void {
  if (host?.length !== 1) throw new VirError(ErrorCode.INVALID_ARG, 'Expected exactly 1 host for the storage pool', D);
  if (!iqn) throw new VirError(ErrorCode.INVALID_ARG, 'missing initiator IQN', D);
}

/** The refusal of an operation on an iscsi-direct pool: what was asked, and what it would need. */
const refused = (what: string): VirError => new VirError(ErrorCode.OPERATION_UNSUPPORTED, `cannot ${what}: ${NEEDS_LIBISCSI}`, D);

/** A pool's portal and target, checked as libvirt checks them before it connects. */
function checkedPool(def: StoragePoolDef): void {
  const source = sourceOf(def);
  checkedSource(source.hosts, source.initiatorIqn);
  if (!sourceDevice(def)) throw new VirError(ErrorCode.INTERNAL_ERROR, 'missing source device', D);
}

/**
 * The `iscsi-direct` pool (libvirt's libiscsi backend): defined, listed and formatted as libvirt
 * keeps it (conf requires its host and initiator IQN), built as a no-op as libvirt's, and refused
 * clearly at start, refresh and source discovery, after libvirt's own checks of the source.
 */
export const iscsiDirectBackend: PoolBackend = {
  build: async () => undefined,
  async start(def) {
    checkedPool(def);
    throw refused(`start iSCSI pool '${def.name}'`);
  },
  stop: async () => undefined,
  async check(def) {
    checkedPool(def);
    throw refused(`refresh iSCSI pool '${def.name}'`);
  },
  sizes: async () => ({ capacity: 0n, allocation: 0n, available: 0n }),
  livePermissions: false,
  volumes: async () => [],
  volume: async () => undefined,
  resizable: false,
  unavailable: NEEDS_LIBISCSI,
  async findSources(srcSpec) {
    const source = srcSpec === undefined ? undefined : POOL_PART_MODELS.source.parse(parseXml(srcSpec, 'storage_source_specification', D));
    checkedSource(source?.hosts, source?.initiatorIqn);
    throw refused('find iSCSI sources');
  },
};
