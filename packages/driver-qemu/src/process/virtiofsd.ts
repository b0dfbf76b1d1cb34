import { spawn } from 'node:child_process';
import { access, constants, open, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, isProcessAlive, processStartTime } from '@tsvirt/util';
import { isVirtiofs, virtiofsSocket } from '../command/virtiofs-args.js';
import { devicesOf, type DeviceOf } from '../devices/typed-devices.js';
import { killQemu } from './qemu-kill.js';

const D = ErrorDomain.QEMU;
/** Where Debian and Fedora put QEMU's virtiofsd, for a filesystem that names no `<binary path>`. */
const VIRTIOFSD = ['/usr/libexec/virtiofsd', '/usr/lib/qemu/virtiofsd'];
const SOCKET_WAIT_MS = 10_000;

const pidFile = (runDir: string, id: string): string => join(runDir, `${id}-fs.pid`);

async function binaryOf(fs: DeviceOf<'filesystem'>): Promise<string> {
  for (const b of fs.binary ? [fs.binary] : VIRTIOFSD) if (await access(b, constants.X_OK).then(() => true, () => false)) return b;
  throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `Unable to find a virtiofsd binary (${(fs.binary ? [fs.binary] : VIRTIOFSD).join(', ')})`, D);
}

/** virtiofsd's arguments for one filesystem: its socket, the shared directory and the `<binary>` options. */
function virtiofsdArgs(fs: DeviceOf<'filesystem'>, socket: string): string[] {
  const flag = (v: boolean | undefined, name: string): string[] => (v === undefined ? [] : [v ? name : `no_${name}`]);
  const opts = [
    `source=${fs.source?.dir ?? ''}`, ...(fs.cacheMode ? [`cache=${fs.cacheMode}`] : []), ...flag(fs.binaryXattr, 'xattr'),
    ...flag(fs.lockPosix, 'posix_lock'), ...flag(fs.lockFlock, 'flock'), ...(fs.sandboxMode ? [`sandbox=${fs.sandboxMode}`] : []),
  ];
  return [`--socket-path=${socket}`, '-o', opts.join(','), ...(fs.threadPoolSize !== undefined ? [`--thread-pool-size=${fs.threadPoolSize}`] : [])];
}

/**
 * Starts a virtiofsd for each virtiofs filesystem without a socket of its own, before QEMU (as
 * libvirt does): it serves its socket in the run directory, logs to `fsN-fs.log` there and ends
 * when QEMU goes; its pid file (named by the alias) lets any process stop it. A virtiofsd that does not come up is
 * an error quoting its log.
 */
export async function startVirtiofsds(def: DomainDef, runDir: string): Promise<void> {
  const filesystems = devicesOf(def.devices, 'filesystem');
  for (const [i, fs] of filesystems.entries()) {
    if (!isVirtiofs(fs) || fs.source?.socket !== undefined) continue;
    const id = fs.alias ?? `fs${i}`;
    const socket = virtiofsSocket(fs, id, runDir);
    const log = join(runDir, `${id}-fs.log`);
    const out = await open(log, 'a', 0o600);
    const child = spawn(await binaryOf(fs), virtiofsdArgs(fs, socket), { detached: true, stdio: ['ignore', out.fd, out.fd] });
    await out.close();
    child.unref();
    if (child.pid === undefined) throw new VirError(ErrorCode.OPERATION_FAILED, 'virtiofsd could not be started', D);
    await writeFile(pidFile(runDir, id), `${child.pid}\n`);
    const deadline = Date.now() + SOCKET_WAIT_MS;
    while (!(await access(socket).then(() => true, () => false))) {
      if (!(await isProcessAlive(child.pid, undefined)) || Date.now() > deadline) {
        const said = (await readFile(log, 'utf8').catch(() => '')).trim();
        throw new VirError(ErrorCode.OPERATION_FAILED, `virtiofsd died unexpectedly${said ? `: ${said}` : ''}`, D);
      }
      await sleep(20);
    }
  }
}

/** Stops the virtiofsd processes of a run (those still there: each ends by itself when QEMU goes). */
export async function stopVirtiofsds(runDir: string): Promise<void> {
  const files = (await readdir(runDir).catch(() => [] as string[])).filter((f) => /-fs\.pid$/.test(f));
  for (const f of files) {
    const pid = Number((await readFile(join(runDir, f), 'utf8').catch(() => '')).trim());
    const cmdline = Number.isInteger(pid) && pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
    if (cmdline.split('\0').some((a) => a.startsWith(`--socket-path=${runDir}/`))) await killQemu(pid, await processStartTime(pid));
  }
}
