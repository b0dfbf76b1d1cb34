import { readlink, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import type { LxcNamespaces } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, isProcessAlive, systemError } from '@tsvirt/util';
import { consoleSocket } from '../state/lxc-paths.js';
import { type ActiveStatus } from '../state/lxc-status.js';
import { readInit } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { CONSOLE_HELLO } from '../controller/console-server.js';

const D = ErrorDomain.LXC;
/** libvirt's alias of the one console a container has. */
const CONSOLE_ALIAS = 'console0';

/**
 * Waits for the console socket to be served: a container is running before its controller has
 * booted and adopted it (the driver starts it meanwhile). Gives up when the controller is gone.
 */
async function servedSocket(path: string, s: ActiveStatus): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await stat(path).then((st) => st.isSocket(), () => false))) {
    if (Date.now() > deadline || (s.controller && !(await isProcessAlive(s.controller.pid, s.controller.start)))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The container's console: a connection to the socket its controller serves, once the controller
 * has let it in. While another session is attached it is refused in libvirt's words, unless
 * `force` disconnects that session (virsh console --force).
 */
export async function openConsole(drv: LxcContext, s: ActiveStatus, devName: string | undefined, force: boolean): Promise<Duplex> {
  if (devName !== undefined && devName !== CONSOLE_ALIAS) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot find console device '${devName}'`, D);
  const path = consoleSocket(drv.paths, s.name);
  await servedSocket(path, s);
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let answer = Buffer.alloc(0);
    // Read in paused mode: once the answer is taken, the stream is left as new for its reader.
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while ((chunk = sock.read() as Buffer | null) !== null) {
        answer = Buffer.concat([answer, chunk]);
        const nl = answer.indexOf(10);
        if (nl < 0) continue;
        sock.off('readable', onReadable);
        sock.off('close', onClose);
        if (answer.subarray(0, nl + 1).toString() !== CONSOLE_HELLO.ok) {
          sock.destroy();
          reject(new VirError(ErrorCode.OPERATION_FAILED, 'Active console session exists for this domain', D));
          return;
        }
        if (nl + 1 < answer.length) sock.unshift(answer.subarray(nl + 1));
        resolve(sock);
        return;
      }
    };
    const onClose = (): void => reject(new VirError(ErrorCode.OPERATION_FAILED, `the console of domain '${s.name}' closed`, D));
    sock.once('connect', () => sock.write(force ? CONSOLE_HELLO.force : CONSOLE_HELLO.polite));
    sock.on('readable', onReadable);
    sock.once('close', onClose);
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
