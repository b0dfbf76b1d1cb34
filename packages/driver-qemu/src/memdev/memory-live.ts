import type { DomainDef } from '@tsvirt/conf';
import { memoryModuleIds } from '../command/memory-device-args.js';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import type { QmpClient } from '../qmp/qmp-client.js';

type MemoryDevice = DeviceOf<'memory'>;

/** One entry of QMP `query-memory-devices` (the fields libvirt reads). */
export interface QemuMemoryDevice {
  readonly type: string;
  readonly data: { readonly id?: string; readonly addr?: number; readonly slot?: number; readonly size?: number };
}

/** A virtio-mem device showing `bytes` plugged as its `<current>`, in KiB as libvirt shows it. */
export const withCurrent = (m: MemoryDevice, bytes: number): MemoryDevice => ({ ...m, target: { ...m.target, current: Math.ceil(bytes / 1024), currentUnit: 'KiB' } });

/** What the live definition of a module shows of QEMU's view: its alias, a DIMM's slot and base, virtio-mem's plugged size. */
export function liveModule(m: MemoryDevice, alias: string, q: QemuMemoryDevice | undefined): MemoryDevice {
  const out: MemoryDevice = { ...m, alias };
  if (!q) return out;
  if ((m.model === 'dimm' || m.model === 'nvdimm') && q.data.slot !== undefined) {
    out.address = { type: 'dimm', slot: q.data.slot, ...(q.data.addr !== undefined ? { base: q.data.addr } : {}) };
  }
  return m.model === 'virtio-mem' ? withCurrent(out, q.data.size ?? 0) : out;
}

/**
 * Records each memory module's device id and QEMU's view of it (`query-memory-devices`) in the
 * live definition, as libvirt does once QEMU has started: `<alias>`, a DIMM's `<address
 * type='dimm' slot base>`, and virtio-mem's `<current>` (the size the guest has plugged).
 */
export async function recordMemoryDevices(mon: QmpClient, def: DomainDef): Promise<void> {
  if (devicesOf(def.devices, 'memory').length === 0) return;
  const found = await mon.execute<QemuMemoryDevice[]>('query-memory-devices');
  for (const { m, alias } of memoryModuleIds(def)) writeBack(def, liveModule(m, alias, found.find((q) => q.data.id === alias)));
  await followBalloon(mon, def);
}

/**
 * The live `<currentMemory>` of a guest with memory modules is what its balloon reports
 * (`query-balloon`), as libvirt reads it at start and from QEMU's BALLOON_CHANGE: the guest's
 * RAM and DIMMs, without what virtio-mem has not plugged.
 */
export async function followBalloon(mon: QmpClient, def: DomainDef): Promise<void> {
  if (devicesOf(def.devices, 'memballoon').every((b) => b.model === 'none')) return;
  const reply = await mon.execute<{ actual: number }>('query-balloon').catch(() => undefined);
  if (reply) def.currentMemoryKiB = Math.floor(reply.actual / 1024);
}
