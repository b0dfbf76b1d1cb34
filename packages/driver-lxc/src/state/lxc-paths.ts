import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, uriParam, type VirURI } from '@tsvirt/util';

/** Where one instance of the driver keeps everything (libvirt's per-mode directory layout). */
export interface LxcPaths {
  /** The canonical URI of the instance (`lxc:///system`, `lxc:///embed?root=/dir`). */
  readonly uri: string;
  /** The URI the connection reports: `lxc://` and `lxc:///` as written, as libvirt keeps them. */
  readonly shown?: string;
  /** Persistent definitions (`<name>.xml`) and `autostart/`. */
  readonly configDir: string;
  /** Status files, locks, exit records, console sockets. */
  readonly stateDir: string;
  /** The controller's log of each container. */
  readonly logDir: string;
}

const D = ErrorDomain.LXC;

/** The layout for a URI, or 'declined' when the URI is not an LXC one. */
export function pathsForURI(uri: VirURI): LxcPaths | 'declined' {
  if (uri.driver !== 'lxc') return 'declined';
  if (uri.path === '' || uri.path === '/' || uri.path === '/system') {
    if (process.getuid?.() !== 0) throw new VirError(ErrorCode.OPERATION_DENIED, 'Not running privileged, disabling driver', D);
    return { uri: 'lxc:///system', shown: `lxc://${uri.path}`, configDir: '/etc/tsvirt/lxc', stateDir: '/run/tsvirt/lxc', logDir: '/var/log/tsvirt/lxc' };
  }
  if (uri.path === '/embed') {
    const root = uriParam(uri, 'root');
    if (root === undefined) throw new VirError(ErrorCode.INVALID_ARG, "Missing URI parameter 'root'", ErrorDomain.URI);
    if (!isAbsolute(root)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'root path must be absolute', ErrorDomain.NONE);
    const r = resolve(root);
    const embedded = `lxc:///embed?root=${r}`;
    return { uri: embedded, shown: embedded, configDir: join(r, 'etc', 'lxc'), stateDir: join(r, 'run', 'lxc'), logDir: join(r, 'log', 'lxc') };
  }
  throw new VirError(ErrorCode.INTERNAL_ERROR, `Unexpected LXC URI path '${uri.path}', try lxc:///system`, D);
}

export const configFile = (p: LxcPaths, name: string): string => join(p.configDir, `${name}.xml`);
export const autostartLink = (p: LxcPaths, name: string): string => join(p.configDir, 'autostart', `${name}.xml`);
export const statusFile = (p: LxcPaths, name: string): string => join(p.stateDir, `${name}.json`);
/** Written by the controller when init has exited: how it ended. */
export const exitFile = (p: LxcPaths, name: string): string => join(p.stateDir, `${name}.exit`);
/** Written by the controller each time it starts init: its pid and the console pty. */
export const initFile = (p: LxcPaths, name: string): string => join(p.stateDir, `${name}.init`);
export const consoleSocket = (p: LxcPaths, name: string): string => join(p.stateDir, `${name}.console`);
/** The FIFO the controller serves as the container's /proc/meminfo. */
export const meminfoFifo = (stateDir: string, name: string): string => join(stateDir, `${name}.meminfo`);
/** Where the helper's outer process records how init ended (`exit N` / `signal N`). */
export const initEndFile = (stateDir: string, name: string): string => join(stateDir, `${name}.end`);
/** Where the helper mounts a block or image root, in the container's mount namespace only (libvirt's NAME.root). */
export const rootStage = (stateDir: string, name: string): string => join(stateDir, `${name}.root`);
export const domainLockFile = (p: LxcPaths, name: string): string => join(p.stateDir, 'locks', `${name}.lock`);
export const driverLockFile = (p: LxcPaths): string => join(p.stateDir, 'locks', 'driver.lock');
export const logFile = (p: LxcPaths, name: string): string => join(p.logDir, `${name}.log`);
