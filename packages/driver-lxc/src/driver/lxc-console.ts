import { readlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import type { LxcNamespaces } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import { consoleSocket } from '../state/lxc-paths.js';
import { type ActiveStatus } from '../state/lxc-status.js';
import { readInit } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';

const D = ErrorDomain.LXC;
/** libvirt's alias of the one console a container has. */
const CONSOLE_ALIAS = 'console0';

/** The container's console: a connection to the socket its controller serves. */
export async function openConsole(drv: LxcContext, s: ActiveStatus, devName: string | undefined): Promise<Duplex> {
  if (devName !== undefined && devName !== CONSOLE_ALIAS) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot find console device '${devName}'`, D);
  const path = consoleSocket(drv.paths, s.name);
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    sock.once('connect', () => resolve(sock));
    sock.once('error', (e: NodeJS.ErrnoException) => reject(systemError(`cannot connect to the console of domain '${s.name}'`, e, D)));
  });
}

const KINDS = ['ipc', 'mnt', 'net', 'pid', 'user', 'uts'] as const;

/**
 * The namespaces of the container's init (libvirt's virProcessGetNamespaces). A namespace the
 * caller already is in (the user namespace of a container without `<idmap>`) is left out:
 * entering it again is refused by the kernel.
 */
export async function initNamespaces(drv: LxcContext, s: ActiveStatus): Promise<LxcNamespaces> {
  const init = await readInit(drv.paths, s.name);
  if (!init) throw new VirError(ErrorCode.OPERATION_INVALID, 'Init pid is not yet available', D);
  const namespaces = [];
  for (const kind of KINDS) {
    const path = `/proc/${init.pid}/ns/${kind}`;
    const [theirs, ours] = await Promise.all([readlink(path).catch(() => undefined), readlink(`/proc/self/ns/${kind}`).catch(() => undefined)]);
    if (theirs !== undefined && theirs !== ours) namespaces.push({ kind, path });
  }
  return { pid: init.pid, namespaces };
}
