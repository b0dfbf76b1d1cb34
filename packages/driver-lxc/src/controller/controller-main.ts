/**
 * The controller of one container (libvirt's libvirt_lxc): started detached by the driver, it
 * holds the console pty and serves it, starts the container (again after a reboot inside it),
 * and when init has exited for good it records how, removes the cgroup and exits. It takes no
 * lock: the driver settles the status from the exit record on its next look.
 */
import { closeSync, constants, openSync, write as fsWrite, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import tty from 'node:tty';
import { processStartTime } from '@tsvirt/util';
import { createCgroup, killCgroup, removeCgroup } from '../cgroup/cgroup-ops.js';
import { cgroupDirs, leafName } from '../cgroup/cgroup-tree.js';
import { applyResources } from '../cgroup/container-resources.js';
import { ConsoleServer } from './console-server.js';
import { startContainer, type RunningContainer } from './container-process.js';
import { SETUP_FAILURE, type InitRecord, type LaunchParams } from './launch-params.js';
import { EXIT_FILE, INIT_FILE } from '../state/lxc-status.js';
import { meminfoFifo } from '../state/lxc-paths.js';
import { serveMeminfo } from './meminfo.js';
import { rm } from 'node:fs/promises';

const p = JSON.parse(process.argv[2] ?? '{}') as LaunchParams;
const file = (suffix: string) => join(p.stateDir, `${p.name}${suffix}`);
const cgroups = cgroupDirs(p.tree, p.spec.partition, leafName(p.name, process.pid));
let reported = false;

/** The driver reads `ok` or `error TEXT` on fd 3 once, when the first start has finished. */
function tell(line: string): void {
  if (reported) return;
  reported = true;
  try {
    writeSync(3, `${line}\n`);
    closeSync(3);
  } catch {
    // The driver is gone: nobody waits for the word.
  }
}

/** Opens a pty pair: the master stays here, the slave becomes the container's console. */
function openPty(): { master: number; slave: number; path: string } {
  const master = openSync('/dev/ptmx', constants.O_RDWR | constants.O_NOCTTY);
  const r = spawnSync(p.helper, ['pty'], { stdio: [master, 'pipe', 'pipe'] });
  const n = r.stdout?.toString().trim();
  if (r.status !== 0 || !n) throw new Error(`cannot set up the console pty: ${r.stderr?.toString().trim()}`);
  const path = `/dev/pts/${n}`;
  return { master, slave: openSync(path, constants.O_RDWR | constants.O_NOCTTY), path };
}

async function recordExit(status: 'shutdown' | 'error', message?: string): Promise<void> {
  await EXIT_FILE.write(file('.exit'), { status, ...(message ? { message } : {}) });
}

async function finish(status: 'shutdown' | 'error', message?: string): Promise<never> {
  await killCgroup(p.tree, cgroups).catch(() => undefined);
  await removeCgroup(p.tree, cgroups).catch(() => undefined);
  await recordExit(status, message);
  process.exit(0);
}

async function main(): Promise<void> {
  try {
    await createCgroup(p.tree, cgroups);
    await applyResources(p.tree, cgroups, p.spec);
  } catch (e) {
    throw new Error(`${SETUP_FAILURE}${(e as Error).message}`);
  }
  const pty = openPty();
  const input = (data: Buffer) => fsWrite(pty.master, data, () => undefined);
  const consoleServer = new ConsoleServer(input);
  const out = new tty.ReadStream(pty.master);
  out.on('data', (d: Buffer) => consoleServer.output(d));
  // EIO once no process holds the console open: nothing to read until init opens it again.
  out.on('error', () => undefined);
  await consoleServer.listen(file('.console'));
  await rm(meminfoFifo(p.stateDir, p.name), { force: true });
  await serveMeminfo(meminfoFifo(p.stateDir, p.name), p.tree, cgroups);

  let container: RunningContainer;
  try {
    container = await startContainer(p, cgroups, pty.slave);
  } catch (e) {
    tell(`error ${(e as Error).message}`);
    consoleServer.close();
    await finish('error', (e as Error).message);
    return;
  }
  for (;;) {
    const record: InitRecord = { pid: container.pid, start: await processStartTime(container.pid), pty: pty.path };
    await INIT_FILE.write(file('.init'), record);
    tell('ok');
    const { signal } = await container.exited;
    await container.release();
    // Init ended by SIGHUP is a reboot inside the container (reboot(2) in a pid namespace), as libvirt reads it.
    if (signal !== 'SIGHUP') break;
    await killCgroup(p.tree, cgroups);
    try {
      container = await startContainer(p, cgroups, pty.slave);
    } catch (e) {
      consoleServer.close();
      await finish('error', (e as Error).message);
      return;
    }
  }
  consoleServer.close();
  await finish('shutdown');
}

process.on('SIGTERM', () => undefined);
process.on('SIGHUP', () => undefined);
void main().catch(async (e: unknown) => {
  tell(`error ${(e as Error).message}`);
  await finish('error', (e as Error).message);
});
