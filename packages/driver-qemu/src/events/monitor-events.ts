/**
 * libvirt-qemu's monitor events (virConnectDomainQemuMonitorEventRegister): every QMP event of
 * a running domain, as QEMU sent it (name, timestamp, `data` as compact JSON), to the listeners
 * whose filter takes it. Delivered when it arrives, before the driver acts on it.
 */
import { qemuMonitorEventFilter, type DomainRef, type QemuMonitorEvent } from '@tsvirt/api';
import type { QmpEvent } from '../qmp/qmp-types.js';
import type { DriverContext } from '../driver/driver-context.js';

/** The event as libvirt-qemu hands it on; `details` only when QEMU sent data. */
export function monitorEventOf(dom: DomainRef, e: QmpEvent): QemuMonitorEvent {
  const base = { dom, event: e.event, seconds: BigInt(e.timestamp.seconds), micros: e.timestamp.microseconds };
  return 'data' in e ? { ...base, details: JSON.stringify(e.data) } : base;
}

/** Registers a listener (for one domain, or all); the returned function removes it. */
export async function registerMonitorEvents(drv: DriverContext, dom: DomainRef | undefined, event: string | undefined,
  callback: (e: QemuMonitorEvent) => void, flags: number): Promise<() => Promise<void>> {
  const takes = qemuMonitorEventFilter(event, flags);
  const off = drv.events.subscribeMonitor((e) => {
    if ((dom === undefined || e.dom.uuid === dom.uuid) && takes(e.event)) callback(e);
  }, dom);
  return async () => off();
}
