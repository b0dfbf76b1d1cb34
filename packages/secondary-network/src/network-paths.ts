import { join } from 'node:path';
import { ErrorDomain, localInstance, xdgDirs, type VirURI } from '@tsvirt/util';

/** Where one instance of the network driver keeps its networks (libvirt's network driver layout). */
export interface NetworkPaths {
  /** Persistent definitions (`<name>.xml`). */
  readonly configDir: string;
  /** Links to the definitions of networks that start with the host. */
  readonly autostartDir: string;
  /** The status of each active network (`<name>.json`), ports, pid files and the driver's lock. */
  readonly stateDir: string;
  /** dnsmasq's config, hosts and lease files (`<name>.conf`, ...). */
  readonly dnsmasqDir: string;
  /** Whether networks may be started (the kernel lets this process make bridges). */
  readonly privileged: boolean;
}

const D = ErrorDomain.NETWORK;
const isRoot = (): boolean => process.getuid?.() === 0;

function systemPaths(): NetworkPaths {
  return {
    configDir: '/etc/tsvirt/network',
    autostartDir: '/etc/tsvirt/network/autostart',
    stateDir: '/run/tsvirt/network',
    dnsmasqDir: '/var/lib/tsvirt/dnsmasq',
    privileged: true,
  };
}

function sessionPaths(env: NodeJS.ProcessEnv): NetworkPaths {
  const { config, runtime } = xdgDirs(env);
  const configDir = join(config, 'tsvirt', 'network');
  return {
    configDir,
    autostartDir: join(configDir, 'autostart'),
    stateDir: join(runtime, 'tsvirt', 'network', 'run'),
    dnsmasqDir: join(config, 'tsvirt', 'network', 'dnsmasq'),
    privileged: isRoot(),
  };
}

/**
 * The layout for a local hypervisor URI, split as the QEMU driver's: `qemu:///system` and `lxc:///(system)`
 * share /etc/tsvirt and /run/tsvirt (one host, one set of networks), `qemu:///session` uses the
 * user's XDG directories, `qemu:///embed?root=DIR` and `lxc:///embed?root=DIR` live under DIR (beside
 * the hypervisor driver's state). 'declined' for other URIs.
 */
export function networkPathsForURI(uri: VirURI, env: NodeJS.ProcessEnv = process.env): NetworkPaths | 'declined' {
  const where = localInstance(uri, D);
  if (where === 'declined') return 'declined';
  if (where.kind === 'system') return systemPaths();
  if (where.kind === 'session') return sessionPaths(env);
  return {
    configDir: join(where.root, 'etc', 'network'),
    autostartDir: join(where.root, 'etc', 'network', 'autostart'),
    stateDir: join(where.root, 'run', 'network'),
    dnsmasqDir: join(where.root, 'lib', 'network', 'dnsmasq'),
    privileged: isRoot(),
  };
}

export const configFile = (p: NetworkPaths, name: string): string => join(p.configDir, `${name}.xml`);
export const autostartLink = (p: NetworkPaths, name: string): string => join(p.autostartDir, `${name}.xml`);
export const statusFile = (p: NetworkPaths, name: string): string => join(p.stateDir, `${name}.json`);
export const pidFile = (p: NetworkPaths, name: string): string => join(p.stateDir, `${name}.pid`);
export const leaseFile = (p: NetworkPaths, name: string): string => join(p.dnsmasqDir, `${name}.leases`);
export const dnsmasqConfFile = (p: NetworkPaths, name: string): string => join(p.dnsmasqDir, `${name}.conf`);
/** The lock that serialises every change to the networks of one root, across processes. */
export const driverLock = (p: NetworkPaths): string => join(p.stateDir, 'locks', 'driver.lock');
/** Holds the boot id of the boot whose autostart networks were started. */
export const bootMarker = (p: NetworkPaths): string => join(p.stateDir, 'boot-id');
