import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement } from '../xml/xml-node.js';
import { toKiB } from '../units.js';
import { deviceElement, parseDevice } from './devices/index.js';
import type { DeviceOf } from './device-edit.js';

type MemoryDevice = DeviceOf<'memory'>;
type Target = NonNullable<MemoryDevice['target']>;

/** The sizes of a memory device's target, each with the field of its unit. */
const SIZES = [
  ['size', 'sizeUnit'], ['block', 'blockUnit'], ['requested', 'requestedUnit'], ['labelSize', 'labelSizeUnit'],
] as const;

/** A memory device's target with every size in KiB, as libvirt stores and prints them (rounded up). */
function inKiB(target: Target): Target {
  const out: Target = { ...target };
  for (const [size, unit] of SIZES) {
    const value = target[size];
    if (value === undefined) continue;
    out[size] = toKiB(value, target[unit]);
    out[unit] = 'KiB';
  }
  return out;
}

/**
 * `<memory>` devices as libvirt's inactive parse keeps them: sizes in KiB, no `<current>` (the
 * running guest's); a virtio-pmem device belongs to no NUMA node.
 */
export function parseMemoryDevices(devices: readonly XmlElement[]): XmlElement[] {
  return mapPacked(devices, (el) => {
    if (el.name !== 'memory') return el;
    const dev = parseDevice(el) as MemoryDevice;
    if (!dev.target) return el;
    if (dev.model === 'virtio-pmem' && dev.target.node !== undefined) {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'virtio-pmem does not support NUMA nodes', ErrorDomain.DOMAIN);
    }
    return deviceElement({ ...dev, target: { ...inKiB(dev.target), current: undefined, currentUnit: undefined } });
  });
}
