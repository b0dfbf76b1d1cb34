import { withPoolPart, type StoragePoolDef } from '@tsvirt/conf';
import type { PoolBackend } from '../pool-backend.js';
import { sourceOf } from '../pool-xml.js';
import { parentAddressHost } from './parent-address.js';
import { hostNumber, hostUnits, rescanHost, unitSizes } from './scsi-lus.js';
import { createVport, deleteVport, hostByWWN, notFound, type Adapter, type FcAdapter } from './vhba.js';

const isFc = (a: Adapter | undefined): a is FcAdapter => a?.type === 'fc_host' && a.wwnn !== undefined && a.wwpn !== undefined;

/**
 * The SCSI host of a pool's adapter: `<adapter type='scsi_host' name='hostN'/>`, the host below
 * the HBA at a `<parentaddr>` with its unique_id, or the vHBA whose port names an fc_host adapter
 * gives.
 */
function adapterHost(def: StoragePoolDef): number {
  const adapter = sourceOf(def).adapter;
  if (isFc(adapter)) {
    const host = hostByWWN(adapter.wwnn, adapter.wwpn);
    if (!host) throw notFound(adapter);
    return hostNumber(host);
  }
  // conf requires a scsi_host adapter to have a name or a parent address.
  return hostNumber(adapter?.parentaddr ? parentAddressHost(adapter.parentaddr) : (adapter?.name ?? ''));
}

async function scan(def: StoragePoolDef): Promise<void> {
  await rescanHost(adapterHost(def));
}

/**
 * Starts a pool: an fc_host adapter's vHBA is made first when it does not exist, and the pool
 * then manages it (libvirt marks such an adapter managed='yes' so that stopping removes it).
 */
async function start(def: StoragePoolDef): Promise<StoragePoolDef | undefined> {
  const source = sourceOf(def);
  const adapter = source.adapter;
  if (!isFc(adapter) || !(await createVport(adapter))) {
    await scan(def);
    return undefined;
  }
  const live = adapter.managed === true ? def : withPoolPart(def, 'source', { ...source, adapter: { ...adapter, managed: true } });
  await scan(live).catch(async (e: unknown) => {
    await deleteVport({ ...adapter, managed: true }).catch(() => undefined);
    throw e;
  });
  return live;
}

async function stop(def: StoragePoolDef): Promise<void> {
  const adapter = sourceOf(def).adapter;
  if (isFc(adapter)) await deleteVport(adapter);
}

/**
 * The `scsi` pool: the logical units of a SCSI host adapter, found in sysfs (a fake tree under
 * TSVIRT_SYSFS_ROOT in tests). Units are not made or removed by libvirt: no volume creation.
 */
export const scsiBackend: PoolBackend = {
  build: async () => undefined,
  start,
  stop,
  check: scan,
  sizes: async (def) => unitSizes(await hostUnits(def, adapterHost(def))),
  livePermissions: false,
  volumes: (def) => hostUnits(def, adapterHost(def)),
  volume: async (def, name) => (await hostUnits(def, adapterHost(def))).find((v) => v.name === name),
  resizable: false,
};
