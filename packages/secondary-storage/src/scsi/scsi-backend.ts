import type { StoragePoolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { PoolBackend } from '../pool-backend.js';
import { sourceOf } from '../pool-xml.js';
import { hostNumber, hostUnits, rescanHost, unitSizes } from './scsi-lus.js';

/** The SCSI host a pool's `<adapter type='scsi_host' name='hostN'/>` names; other adapters are refused. */
function adapterHost(def: StoragePoolDef): number {
  const adapter = sourceOf(def).adapter;
  const name = adapter?.name;
  if (adapter?.type !== 'scsi_host' || name === undefined) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED,
      `cannot use the adapter of SCSI pool '${def.name}': only scsi_host adapters named hostN are supported here (no vHBA creation, no parent address lookup)`, ErrorDomain.STORAGE);
  }
  return hostNumber(name);
}

async function scan(def: StoragePoolDef): Promise<void> {
  await rescanHost(adapterHost(def));
}

/**
 * The `scsi` pool: the logical units of a SCSI host adapter, found in sysfs (a fake tree under
 * TSVIRT_SYSFS_ROOT in tests). Units are not made or removed by libvirt: no volume creation.
 */
export const scsiBackend: PoolBackend = {
  build: async () => undefined,
  start: scan,
  stop: async () => undefined,
  check: scan,
  sizes: async (def) => unitSizes(await hostUnits(def, adapterHost(def))),
  livePermissions: false,
  volumes: (def) => hostUnits(def, adapterHost(def)),
  volume: async (def, name) => (await hostUnits(def, adapterHost(def))).find((v) => v.name === name),
  resizable: false,
};
