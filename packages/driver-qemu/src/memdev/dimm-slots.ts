import type { DomainDef } from '@tsvirt/conf';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';

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

/** Each DIMM or NVDIMM without a slot gets the first free one, as libvirt assigns them when a definition is parsed. */
export function assignDimmSlots(def: DomainDef): void {
  for (const m of devicesOf(def.devices, 'memory').filter(takesSlot)) {
    if (slotOf(m) !== undefined) continue;
    writeBack(def, { ...m, address: { ...(m.address?.type === 'dimm' ? m.address : {}), type: 'dimm', slot: freeDimmSlot(def) } });
  }
}
