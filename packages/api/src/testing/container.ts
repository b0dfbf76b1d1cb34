/**
 * A throwaway busybox container for tests of consoles through a daemon (libvirtd's LXC driver or
 * tsvirtd's): its root filesystem, its XML (an init that echoes each line back), and a round
 * trip over its console stream.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

const BUSYBOX = '/bin/busybox';

/** Why containers cannot run here (not root, no static busybox), or undefined. */
export function containersMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'containers need root';
  if (!existsSync(BUSYBOX)) return 'busybox-static is not installed';
  return undefined;
}

/** A root filesystem of Debian's static busybox under `dir`. */
export function busyboxRootfs(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  for (const applet of ['sh', 'echo', 'sleep']) symlinkSync('busybox', join(dir, 'bin', applet));
  return dir;
}

/** A container whose init answers each console line `L` with `got:L`. */
export function echoContainerXML(name: string, rootfs: string): string {
  return `<domain type='lxc'><name>${name}</name><memory unit='KiB'>65536</memory>
  <os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>while read l; do echo got:$l; done</initarg></os>
  <devices><filesystem type='mount'><source dir='${rootfs}'/><target dir='/'/></filesystem><console type='pty'/></devices>
</domain>`;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) return false;
  return true;
}

/**
 * Writes `line` to a console and waits for its echo; then `stop` (the domain's destroy) must end
 * the stream. Answers whether each happened within `ms`.
 */
export async function consoleRoundTrip(con: Duplex, line: string, stop: () => Promise<void>, ms = 20_000): Promise<{ echoed: boolean; ended: boolean }> {
  let text = '';
  let ended = false;
  con.on('data', (b: Buffer) => (text += b.toString()));
  con.on('end', () => (ended = true));
  con.on('error', () => (ended = true));
  con.write(`${line}\n`);
  const echoed = await until(() => text.includes(`got:${line}`), ms);
  await stop();
  return { echoed, ended: await until(() => ended, ms) };
}
