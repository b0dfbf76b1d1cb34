import { open, stat } from 'node:fs/promises';
import { DomainShutdownFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { type ActiveStatus, type StopRequest } from '../state/lxc-status.js';
import { readInit, writeStatus } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';

const D = ErrorDomain.LXC;
/** sysvinit's initreq: magic, INIT_CMD_RUNLVL, the runlevel, then padding to 384 bytes. */
const INITREQ_SIZE = 384;

/** Asks the container's sysvinit for a runlevel through its /dev/initctl FIFO; false when it has none. */
async function initctl(initPid: number, runlevel: '0' | '6'): Promise<boolean> {
  for (const path of [`/proc/${initPid}/root/run/initctl`, `/proc/${initPid}/root/dev/initctl`]) {
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFIFO()) continue;
    const req = Buffer.alloc(INITREQ_SIZE);
    req.writeInt32LE(0x03091969, 0);
    req.writeInt32LE(1, 4);
    req.writeInt32LE(runlevel.charCodeAt(0), 8);
    const fh = await open(path, 'w');
    try {
      await fh.write(req);
    } finally {
      await fh.close();
    }
    return true;
  }
  return false;
}

/**
 * Asks the container's init to shut down or reboot, as libvirt's LXC driver does: through
 * /dev/initctl when allowed and present, else (when allowed) SIGTERM (shutdown) or SIGHUP
 * (reboot) to init. It returns at once: the controller sees init exit (a reboot makes init die
 * of SIGHUP, and the controller starts it again).
 */
export async function stopByInit(drv: LxcContext, s: ActiveStatus, what: Exclude<StopRequest, 'destroy'>, flags: number): Promise<void> {
  const init = await readInit(drv.paths, s.name);
  if (!init) throw new VirError(ErrorCode.OPERATION_INVALID, 'Init process ID is not yet known', D);
  const useInitctl = flags === 0 || (flags & DomainShutdownFlags.INITCTL) !== 0;
  const useSignal = flags === 0 || (flags & DomainShutdownFlags.SIGNAL) !== 0;
  s.stopRequest = what;
  await writeStatus(drv.paths, s);
  if (useInitctl && (await initctl(init.pid, what === 'shutdown' ? '0' : '6'))) return;
  if (!useSignal) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'Container does not provide an initctl pipe', D);
  const signal = what === 'shutdown' ? 'SIGTERM' : 'SIGHUP';
  try {
    process.kill(init.pid, signal);
  } catch (e) {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Unable to send ${signal} to init pid ${init.pid}: ${(e as Error).message}`, D, { cause: e });
  }
}
