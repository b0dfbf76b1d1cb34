/**
 * The controller of one container (libvirt's libvirt_lxc). The container helper starts it, in a
 * session of its own, while it goes on to make the container for the driver (Node's start-up is
 * off the start's critical path); the driver tells it on fd 3 `started` (or `failed`: it exits,
 * and the driver undoes everything). It then adopts the container: it serves the console on the pty master it got as
 * fd 4 (the slave, fd 5, held open for restarts) and /proc/meminfo, starts the container again after a reboot inside it, and when init has
 * ended for good (the helper records how in NAME.end) it records that, removes the cgroup and
 * exits. It takes no lock: the driver settles the status from the exit record on its next look.
 */
import { closeSync, openSync, readlinkSync, write as fsWrite } from 'node:fs';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import tty from 'node:tty';
import { processStartTime } from '@tsvirt/util';
import { killCgroup, removeCgroup } from '../cgroup/cgroup-ops.js';
import { cgroupDirs, leafName } from '../cgroup/cgroup-tree.js';
import { ConsoleServer } from './console-server.js';
import { startContainer } from './container-process.js';
import { rebootParams } from './reboot-params.js';
import { initEnded } from './init-end.js';
import type { InitRecord, LaunchParams } from './launch-params.js';
import { EXIT_FILE, INIT_FILE } from '../state/lxc-status.js';
import { initEndFile, meminfoFifo } from '../state/lxc-paths.js';
import { serveMeminfo } from './meminfo.js';
import { moveHostNetsOut } from './veth-setup.js';

const p = JSON.parse(process.argv[2] ?? '{}') as LaunchParams;
const file = (suffix: string) => join(p.stateDir, `${p.name}${suffix}`);
const cgroups = cgroupDirs(p.tree, p.spec.partition, leafName(p.name, process.pid));
/** The console pty's master and slave, inherited from the driver. */
const MASTER = 4;
const SLAVE = 5;
/** The console pty as the host names it. */
const pty = readlinkSync(`/proc/self/fd/${SLAVE}`);

/** The driver's one word on fd 3: whether the container started. */
function driverWord(): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const s = createReadStream('', { fd: 3 });
    s.on('data', (d) => (text += d.toString()));
    s.on('error', () => resolve(text));
    s.on('close', () => resolve(text));
    s.on('end', () => resolve(text));
  });
}

/**
 * Holds the network namespace of init (unless it is another's, shared): a reboot inside the
 * container joins it again, with its interfaces, and host interfaces moved in are moved back
 * from it at the end.
 */
function holdNetns(pid: number): number | undefined {
  if (p.shares.some((s) => s.ns === 'net')) return undefined;
  try {
    return openSync(`/proc/${pid}/ns/net`, 'r');
  } catch {
    return undefined;
  }
}

/** Moves the host interfaces back out of the held network namespace and lets it go (its veths go with it). */
async function releaseNetns(netns: number | undefined): Promise<void> {
  if (netns === undefined) return;
  await moveHostNetsOut(p.hostNets, netns);
  closeSync(netns);
}

/** Ends the /proc/meminfo service (set once it serves), which would otherwise hold the exit. */
let stopMeminfo = (): void => undefined;

async function finish(status: 'shutdown' | 'error', message?: string): Promise<never> {
  stopMeminfo();
  await killCgroup(p.tree, cgroups).catch(() => undefined);
  await removeCgroup(p.tree, cgroups).catch(() => undefined);
  await EXIT_FILE.write(file('.exit'), { status, ...(message ? { message } : {}) });
  process.exit(0);
}

async function main(): Promise<void> {
  if ((await driverWord()).trim() !== 'started') process.exit(0);
  const input = (data: Buffer) => fsWrite(MASTER, data, () => undefined);
  const consoleServer = new ConsoleServer(input);
  const out = new tty.ReadStream(MASTER);
  out.on('data', (d: Buffer) => consoleServer.output(d));
  // EIO once no process holds the console open: nothing to read until init opens it again.
  out.on('error', () => undefined);
  await consoleServer.listen(file('.console'));
  stopMeminfo = serveMeminfo(meminfoFifo(p.stateDir, p.name), p.tree, cgroups);

  const init = await INIT_FILE.read(file('.init'));
  const netns = init ? holdNetns(init.pid) : undefined;
  for (;;) {
    const { signal } = await initEnded(initEndFile(p.stateDir, p.name));
    // Init ended by SIGHUP is a reboot inside the container (reboot(2) in a pid namespace), as libvirt reads it.
    if (signal !== 'SIGHUP') break;
    await killCgroup(p.tree, cgroups);
    try {
      const again = await rebootParams(p, netns === undefined ? undefined : `/proc/${process.pid}/fd/${netns}`);
      const container = await startContainer(again, { fd: SLAVE }, cgroups);
      container.drop();
      const record: InitRecord = { pid: container.pid, start: await processStartTime(container.pid), pty };
      await INIT_FILE.write(file('.init'), record);
    } catch (e) {
      consoleServer.close();
      await releaseNetns(netns);
      await finish('error', (e as Error).message);
    }
  }
  await releaseNetns(netns);
  consoleServer.close();
  await finish('shutdown');
}

process.on('SIGTERM', () => undefined);
process.on('SIGHUP', () => undefined);
void main().catch(async (e: unknown) => {
  await finish('error', (e as Error).message);
});
