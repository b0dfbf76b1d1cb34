import { join } from 'node:path';
import { listenAt, type HostFds } from '../command/chardev-host.js';

/**
 * A second QMP monitor that only the event watcher holds. QEMU serves one client a monitor
 * socket, and jobs in any process open the main one for their length; events go to every QMP
 * monitor, so a watcher on its own socket never keeps a job waiting.
 */
export const eventMonitorPath = (runDir: string): string => join(runDir, 'events.sock');

/** The arguments that add the event monitor, its socket passed as the main one's; added by the launcher, outside libvirt's command line. */
export const eventMonitorArgs = (runDir: string, fds: Pick<HostFds, 'listen'>): string[] => [
  '-chardev', `socket,id=tsvirt-events,${listenAt(eventMonitorPath(runDir), fds)},server=on,wait=off`,
  '-mon', 'chardev=tsvirt-events,mode=control',
];
