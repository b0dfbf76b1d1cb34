import type { DomainDef } from '@tsvirt/conf';
import { redirdevIds } from '../command/redirdev-args.js';
import { shmemIds } from '../command/shmem-args.js';
import { devicesOf, writeBack } from './typed-devices.js';

/**
 * The live definition names shared memory, redirected USB and vsock devices by their QEMU ids
 * (`<alias>`), as libvirt's does, and shows the context id the vsock device got.
 */
export function recordDevsAliases(def: DomainDef, vsockCid: number | undefined): void {
  const shmemIdList = shmemIds(def.devices);
  devicesOf(def.devices, 'shmem').forEach((s, i) => writeBack(def, { ...s, alias: shmemIdList[i] }));
  const redirIdList = redirdevIds(def.devices);
  devicesOf(def.devices, 'redirdev').forEach((r, i) => writeBack(def, { ...r, alias: redirIdList[i] }));
  const v = devicesOf(def.devices, 'vsock')[0];
  if (v) writeBack(def, { ...v, alias: v.alias?.startsWith('ua-') ? v.alias : 'vsock0', ...(vsockCid !== undefined ? { cid: { ...v.cid, address: vsockCid } } : {}) });
}
