import { join } from 'node:path';
import { ErrorDomain, localInstance, xdgDirs, type VirURI } from '@tsvirt/util';

/** Where one instance of the storage driver keeps its pools (libvirt's storage driver layout). */
export interface StoragePaths {
  /** Persistent pool definitions (`<name>.xml`). */
  readonly configDir: string;
  /** Links to the definitions of pools that start with the host (`<name>.xml`). */
  readonly autostartDir: string;
  /** The live definition of each active pool (`<name>.xml`) and the driver's lock. */
  readonly stateDir: string;
}

function systemPaths(): StoragePaths {
  return { configDir: '/etc/tsvirt/storage', autostartDir: '/etc/tsvirt/storage/autostart', stateDir: '/run/tsvirt/storage' };
}

function sessionPaths(env: NodeJS.ProcessEnv): StoragePaths {
  const { config, runtime } = xdgDirs(env);
  const configDir = join(config, 'tsvirt', 'storage');
  return { configDir, autostartDir: join(configDir, 'autostart'), stateDir: join(runtime, 'tsvirt', 'storage', 'run') };
}

/**
 * The layout for a local hypervisor URI, the same split as the QEMU driver's: `qemu:///system` and
 * `lxc:///` (root) under /etc/tsvirt and /run/tsvirt, `qemu:///session` under the user's XDG
 * directories, `qemu:///embed?root=DIR` under DIR. 'declined' for any other URI, and where the
 * hypervisor driver itself refuses the URI (it reports why).
 */
export function storagePathsForURI(uri: VirURI, env: NodeJS.ProcessEnv = process.env): StoragePaths | 'declined' {
  const where = localInstance(uri, ErrorDomain.STORAGE);
  if (where === 'declined') return 'declined';
  if (where.kind === 'system') return systemPaths();
  if (where.kind === 'session') return sessionPaths(env);
  const r = where.root;
  return { configDir: join(r, 'etc', 'storage'), autostartDir: join(r, 'etc', 'storage', 'autostart'), stateDir: join(r, 'run', 'storage') };
}

export const configFile = (p: StoragePaths, name: string): string => join(p.configDir, `${name}.xml`);
export const autostartLink = (p: StoragePaths, name: string): string => join(p.autostartDir, `${name}.xml`);
export const stateFile = (p: StoragePaths, name: string): string => join(p.stateDir, `${name}.xml`);
/** The lock that serialises every change to the pools of one root, across processes. */
export const driverLock = (p: StoragePaths): string => join(p.stateDir, 'locks', 'driver.lock');
/** Present once the root's autostart pools were started (the state directory is emptied at boot). */
export const autostartedMarker = (p: StoragePaths): string => join(p.stateDir, 'autostarted');
