import { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';

/**
 * Runs `fn` with a monitor connection to a domain's QEMU, closed afterwards: QEMU serves one
 * client a socket, so no process keeps it while others may need it. Callers hold the domain's job lock.
 */
export async function withMonitor<T>(status: ActiveStatus, fn: (mon: QmpClient) => Promise<T>): Promise<T> {
  const mon = await QmpClient.open(status.monitor);
  try {
    return await fn(mon);
  } finally {
    mon.close();
  }
}
