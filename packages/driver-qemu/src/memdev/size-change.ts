import { formatDomainXML, parseDomainXML } from '@tsvirt/conf';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

/**
 * QEMU's MEMORY_DEVICE_SIZE_CHANGE (`{id, size}`): the guest plugged or unplugged blocks of a
 * virtio-mem device, and its `<current>` in the live definition follows in KiB, as libvirt's
 * does. The device's alias and new size (KiB) when it is one of the domain's.
 */
export function followMemorySize(s: ActiveStatus, data: Record<string, unknown>): { alias: string; kib: number } | undefined {
  const alias = data['id'];
  const size = data['size'];
  if (typeof alias !== 'string' || typeof size !== 'number') return undefined;
  const def = parseDomainXML(s.xml, { arch: GUEST_ARCH });
  const m = devicesOf(def.devices, 'memory').find((x) => x.alias === alias && x.model === 'virtio-mem');
  if (!m) return undefined;
  const kib = Math.ceil(size / 1024);
  writeBack(def, { ...m, target: { ...m.target, current: kib, currentUnit: 'KiB' } });
  s.xml = formatDomainXML(def, { id: s.id });
  return { alias, kib };
}
