import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { connect, type Connection } from '@tsvirt/api';
import { INIT_FILE, STATUS_FILE, type LxcStatus } from '../src/state/lxc-status.js';

const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'sleep', 'echo', 'hostname', 'cat', 'ls', 'id', 'env', 'true', 'reboot', 'mount'];

/** Whether this machine can run the real-container tests; the reason when not. */
export function whyNoContainers(): string | undefined {
  // In CI nothing the issues name may skip: a missing tool there is a failure, not a reason.
  if (process.env['CI'] === 'true') return undefined;
  if (process.getuid?.() !== 0) return 'containers need root';
  if (!existsSync(BUSYBOX)) return 'busybox-static is not installed';
  if (!existsSync('/usr/bin/unshare')) return 'util-linux unshare is not installed';
  return undefined;
}

/** A scratch root for lxc:///embed plus a busybox root filesystem, removed by `cleanup`. */
export class TestRoot {
  readonly dir = mkdtempSync(join(tmpdir(), 'tsvirt-lxc-'));
  readonly uri = `lxc:///embed?root=${this.dir}/embed`;
  readonly #conns: Connection[] = [];

  async open(): Promise<Connection> {
    const c = await connect(this.uri);
    this.#conns.push(c);
    return c;
  }

  /** A root filesystem of Debian's static busybox: /bin with the applets, /etc/passwd and group. */
  rootfs(name = 'rootfs'): string {
    const root = join(this.dir, name);
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\ntester:x:1000:1000::/:/bin/sh\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\ntesters:x:1234:\n');
    return root;
  }

  stateDir(): string {
    return join(this.dir, 'embed', 'run', 'lxc');
  }

  /** The container's init as the controller recorded it. */
  init(name: string): { pid: number; pty: string } {
    const path = join(this.stateDir(), `${name}.init`);
    return INIT_FILE.parse(readFileSync(path, 'utf8'), path);
  }

  /** The container's status file, as the driver reads it. */
  status(name: string): LxcStatus {
    const path = join(this.stateDir(), `${name}.json`);
    return STATUS_FILE.parse(readFileSync(path, 'utf8'), path);
  }

  /** Files of the state directory (status, init and exit records, sockets). */
  stateFiles(): string[] {
    return existsSync(this.stateDir()) ? readdirSync(this.stateDir()).sort() : [];
  }

  async cleanup(): Promise<void> {
    for (const c of this.#conns) {
      for (const d of await c.listAllDomains(1).catch(() => [])) await d.destroy().catch(() => undefined);
      await c.close().catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A container definition: `init` runs under /bin/sh -c; `extra` goes into `<devices>`; `top` after `<os>`. */
export function containerXML(name: string, root: string, init: string, opts: { extra?: string; top?: string; os?: string; memKiB?: number } = {}): string {
  return `<domain type='lxc'>
  <name>${name}</name>
  <memory unit='KiB'>${opts.memKiB ?? 65536}</memory>
  ${opts.top ?? ''}
  <os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>${init}</initarg>${opts.os ?? ''}</os>
  <devices>
    <filesystem type='mount'><source dir='${root}'/><target dir='/'/></filesystem>
    ${opts.extra ?? ''}
    <console type='pty'/>
  </devices>
</domain>`;
}

/** A shell init that prints a line, stops cleanly on SIGTERM and otherwise sleeps. */
export const SLEEPER = `echo hello-from-init; trap "echo bye; exit 0" TERM; while :; do sleep 1; done`;

/** Runs a command inside the namespaces of `pid` (as lxc-enter-namespace does). */
export function inside(pid: number, cmd: string[], ns = ['-m', '-u', '-i', '-n', '-p']): string {
  return execFileSync('nsenter', ['-t', String(pid), ...ns, '-r', '-w', ...cmd], { encoding: 'utf8' });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it is true or `ms` pass. */
export async function until(fn: () => Promise<boolean> | boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await sleep(50);
  }
  return false;
}

/** A TestRoot for the tests of the enclosing describe block: opened, with a busybox rootfs, before them and removed after. */
export function openedRoot(): { root: TestRoot; conn: () => Connection; rootfs: () => string } {
  const root = new TestRoot();
  let c: Connection | undefined;
  let fs = '';
  beforeAll(async () => {
    c = await root.open();
    fs = root.rootfs();
  });
  afterAll(() => root.cleanup());
  return { root, conn: () => c!, rootfs: () => fs };
}

/**
 * Runs `fn` with the driver on a fake unified cgroup tree under `dir` (TSVIRT_CGROUP_ROOT); `fn`
 * gets the way to a container's cgroup folder in it.
 */
export async function withFakeUnifiedTree(dir: string, fn: (cgroupOf: (name: string) => string) => Promise<void>): Promise<void> {
  const fake = join(dir, 'cg2');
  mkdirSync(fake);
  writeFileSync(join(fake, 'cgroup.controllers'), 'cpu io memory pids\n');
  process.env['TSVIRT_CGROUP_ROOT'] = fake;
  try {
    await fn((name) => join(fake, 'machine', readdirSync(join(fake, 'machine')).find((f) => f.endsWith(`-${name}.libvirt-lxc`))!));
  } finally {
    delete process.env['TSVIRT_CGROUP_ROOT'];
  }
}
