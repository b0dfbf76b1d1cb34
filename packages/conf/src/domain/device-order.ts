import { mapPacked } from '../packed.js';
import type { XmlElement } from '../xml/xml-node.js';
import type { DomainDef } from './domain-def.js';

/** libvirt keeps devices in arrays by kind and writes them in this order (virDomainDefFormatInternal). */
export const DEVICE_KIND_ORDER: readonly string[] = [
  'emulator', 'disk', 'controller', 'lease', 'filesystem', 'interface', 'smartcard', 'serial', 'parallel', 'console', 'channel',
  'input', 'tpm', 'graphics', 'sound', 'audio', 'video', 'hostdev', 'redirdev', 'redirfilter', 'hub', 'watchdog', 'memballoon',
  'rng', 'panic', 'shmem', 'memory', 'iommu', 'vsock', 'crypto',
];

/** Puts a definition's devices in libvirt's kind order, keeping the written order within a kind. */
export function sortDevicesByKind(def: DomainDef): void {
  const rank = (el: XmlElement): number => {
    const i = DEVICE_KIND_ORDER.indexOf(el.name);
    return i < 0 ? DEVICE_KIND_ORDER.length : i;
  };
  const sorted = def.devices.map((el, i) => ({ el, i })).sort((a, b) => rank(a.el) - rank(b.el) || a.i - b.i);
  def.devices = mapPacked(sorted, (x) => x.el);
}
