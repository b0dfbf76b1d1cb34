import { devicesOf, replaceDevices, type DomainDef } from '@tsvirt/conf';

/**
 * A running domain's definition as its live XML shows it: a virtio-mem device reports how much
 * of it the guest has plugged, which in the mock is nothing.
 */
export function liveView(def: DomainDef): DomainDef {
  const edits = devicesOf(def, 'memory')
    .filter((m) => m.model === 'virtio-mem')
    .map((m) => [m, { ...m, target: { ...m.target, current: 0, currentUnit: 'KiB' } }] as const);
  return replaceDevices(def, edits);
}
