import { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';

/** A monitor connection this process holds to a run's QEMU for good (the event watcher's), lent to jobs. */
interface Held {
  readonly client: QmpClient;
  readonly pid: number;
  /** Jobs using it now. */
  users: number;
  /** Taken back by its holder while in use: closed when the last job is done. */
  closeWhenFree: boolean;
}

/** By run directory (one per run of a domain). */
const held = new Map<string, Held>();

/**
 * Offers the connection a watcher holds to a run's QEMU to this process's jobs on that run, so a
 * job reuses it instead of connecting, greeting and negotiating anew (libvirtd keeps one
 * monitor per QEMU). QMP matches replies by id and sends events to every client, so jobs and the
 * watcher's event handling share it; the domain's job lock orders them.
 */
export function lendMonitor(runDir: string, pid: number, client: QmpClient): void {
  held.set(runDir, { client, pid, users: 0, closeWhenFree: false });
}

/** The holder lets its connection go: closed now, or once the jobs using it are done. */
export function closeLentMonitor(runDir: string, client: QmpClient): void {
  const h = held.get(runDir);
  if (h?.client !== client) return client.close();
  held.delete(runDir);
  if (h.users === 0) client.close();
  else h.closeWhenFree = true;
}

/**
 * Runs `fn` with a monitor connection to a domain's QEMU: the one this process holds to it when
 * there is one, else a connection of its own, closed afterwards (QEMU serves one client a
 * socket, so no process keeps `monitor.sock` while others may need it). Callers hold the
 * domain's job lock.
 */
export async function withMonitor<T>(status: ActiveStatus, fn: (mon: QmpClient) => Promise<T>): Promise<T> {
  const h = held.get(status.runDir);
  if (h && h.pid === status.pid && !h.client.isClosed) {
    // The holder's connection does not keep the process alive; a job waiting on it must.
    if (h.users++ === 0) h.client.ref();
    try {
      return await fn(h.client);
    } finally {
      if (--h.users === 0) {
        h.client.unref();
        if (h.closeWhenFree) h.client.close();
      }
    }
  }
  const mon = await QmpClient.open(status.monitor);
  try {
    return await fn(mon);
  } finally {
    mon.close();
  }
}
