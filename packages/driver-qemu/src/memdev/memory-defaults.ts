import type { DomainDef } from '@tsvirt/conf';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import { memoryInKiB, validateMemoryDevice } from './memory-validate.js';

type MemoryDevice = DeviceOf<'memory'>;

/** DIMMs and NVDIMMs are the modules that take one of `<maxMemory slots>`. */
export const takesSlot = (m: MemoryDevice): boolean => (m.model ?? 'dimm') === 'dimm' || m.model === 'nvdimm';

const slotOf = (m: MemoryDevice): number | undefined => (m.address?.type === 'dimm' ? m.address.slot : undefined);

/** The first slot no module of `def` holds. */
export function freeDimmSlot(def: DomainDef): number {
  const taken = new Set(devicesOf(def.devices, 'memory').filter(takesSlot).map(slotOf));
  let slot = 0;
  while (taken.has(slot)) slot++;
  return slot;
}

/**
 * Memory modules as libvirt's QEMU driver keeps a definition: checked as libvirt checks them,
 * every size in KiB, no `<current>` (a running guest's), and each DIMM or NVDIMM without a slot
 * given the first free one.
 */
export function memoryDefaults(def: DomainDef): void {
  for (const m of devicesOf(def.devices, 'memory')) {
    const kib = memoryInKiB(m);
    validateMemoryDevice(def, kib);
    writeBack(def, { ...kib, target: kib.target && { ...kib.target, current: undefined, currentUnit: undefined } });
  }
  for (const m of devicesOf(def.devices, 'memory').filter(takesSlot)) {
    if (slotOf(m) !== undefined) continue;
    writeBack(def, { ...m, address: { ...(m.address?.type === 'dimm' ? m.address : {}), type: 'dimm', slot: freeDimmSlot(def) } });
  }
}
