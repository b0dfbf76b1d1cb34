import { formatDomainXML, parseDomainXML } from '@tsvirt/conf';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { withCurrent, type QemuMemoryDevice } from './memory-live.js';
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
  const next = withCurrent(m, size);
  writeBack(def, next);
  s.xml = formatDomainXML(def, { id: s.id });
  return { alias, kib: next.target!.current! };
}

/**
 * The plugged size of every virtio-mem device as QEMU has it now (`query-memory-devices`), for
 * changes told while no process held the domain's events, as libvirt refreshes it when it
 * reconnects. Whether the live definition changed.
 */
export async function refreshMemorySizes(mon: QmpClient, s: ActiveStatus): Promise<boolean> {
  const def = parseDomainXML(s.xml, { arch: GUEST_ARCH });
  const mems = devicesOf(def.devices, 'memory').filter((m) => m.model === 'virtio-mem' && m.alias !== undefined);
  if (mems.length === 0) return false;
  const found = await mon.execute<QemuMemoryDevice[]>('query-memory-devices');
  let changed = false;
  for (const m of mems) {
    const q = found.find((x) => x.data.id === m.alias);
    const next = q && withCurrent(m, q.data.size ?? 0);
    if (!next || next.target?.current === m.target?.current) continue;
    writeBack(def, next);
    changed = true;
  }
  if (changed) s.xml = formatDomainXML(def, { id: s.id });
  return changed;
}
