import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection, type Domain } from '@tsvirt/api';

// The remote driver is loaded as the registry loads it, never statically (the layering rule).
type Testing = typeof import('@tsvirt/remote/testing');
const testing = (await import('@tsvirt/remote/testing')) as Testing;
const QEMU = '/usr/bin/qemu-system-x86_64';
const missing = testing.libvirtdMissing() ?? (existsSync(QEMU) ? null : 'QEMU is not installed');
if (missing) console.log(`qemu-monitor-event against virsh skipped: ${missing}`);
const suite = missing && process.env.CI !== 'true' ? describe.skip : describe;

const TSVIRSH = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'program', 'tsvirsh.cjs');
/** `nobody`: a session libvirtd with its QEMU driver keeps QEMU's state in its own directories. */
const NOBODY = 65534;

interface Run { out: string; err: string; code: number | null; exited: Promise<void>; kill(signal: NodeJS.Signals): void }

function start(argv: string[]): Run {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = {
    out: '', err: '', code: null,
    exited: new Promise((resolve) => child.on('close', (code) => ((run.code = code), resolve()))),
    kill: (signal) => child.kill(signal),
  };
  child.stdout.on('data', (b: Buffer) => (run.out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (run.err += b.toString()));
  return run;
}

const eventLines = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('event '));

/**
 * With --loop the two clients registered at different moments: each sees the daemon's events from
 * its own start. The later one's first line (QEMU's own time in it) marks where both agree; the
 * other's earlier lines are dropped and its count lowered by as many.
 */
function fromCommonStart(a: string, b: string): [string, string] {
  const cut = (out: string, first: string | undefined): string => {
    const lines = eventLines(out);
    const at = first === undefined ? -1 : lines.indexOf(first);
    if (at <= 0) return out;
    const dropped = new Set(lines.slice(0, at));
    return out.split('\n').filter((l) => !dropped.has(l)).join('\n')
      .replace(/events received: (\d+)/, (_, n: string) => `events received: ${Number(n) - at}`);
  };
  return [cut(a, eventLines(b)[0]), cut(b, eventLines(a)[0])];
}

/**
 * Each one-shot client prints the event it happened to see first: QEMU's time and the local time
 * go, and so does which of a reset's two RESET events it was (the host's, then SeaBIOS's own).
 */
const normalised = (out: string): string => out
  .replace(/"guest": ?(true|false)/g, '"guest":WHO').replace(/"reason": ?"(guest-reset|host-qmp-system-reset)"/g, '"reason":WHY')
  .replace(/ at \d+\.\d{6} /g, ' at SECS.MICROS ')
  .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4}: /gm, 'TIMESTAMP: ');

suite('tsvirsh qemu-monitor-event against virsh 9.0 on one libvirtd (real QEMU)', { timeout: 300_000 }, () => {
  let daemon: Awaited<ReturnType<Testing['startLibvirtd']>>;
  let conn: Connection;
  let uri: string;
  let dom: Domain;
  let idle: Domain;
  const name = `qme${process.pid}`;
  beforeAll(async () => {
    daemon = await testing.startLibvirtd('', { drivers: ['qemu'], uid: NOBODY });
    uri = `qemu+unix:///session?socket=${daemon.socket}`;
    conn = await connect(uri);
    const xml = (n: string) => `<domain type='qemu'><name>${n}</name><memory unit='MiB'>64</memory>
      <os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os></domain>`;
    dom = await conn.createXML(xml(name));
    idle = await conn.createXML(xml(`${name}idle`));
  });
  afterAll(async () => {
    await dom?.destroy().catch(() => undefined);
    await idle?.destroy().catch(() => undefined);
    await conn?.close();
    await daemon?.stop();
  });

  const both = (args: string[]): [Run, Run] => [
    // unbuffered, so that its first line says it has registered
    start(['stdbuf', '-o0', '/usr/bin/virsh', '-c', uri, 'qemu-monitor-event', ...args]),
    start([process.execPath, TSVIRSH, '-c', uri, 'qemu-monitor-event', ...args]),
  ];
  /** Pokes the guest (`poke`, by default a reset: a RESET event with data; SeaBIOS never resets it itself) until `enough`. */
  async function pokeUntil(enough: () => boolean, poke: () => Promise<unknown> = () => dom.reset()): Promise<void> {
    for (let i = 0; i < 200 && !enough(); i++) {
      await poke();
      await sleep(250);
    }
  }
  const expectSame = (virsh: Run, ts: Run, norm: (s: string) => string = normalised) => {
    expect({ out: norm(ts.out), err: ts.err, code: ts.code }).toEqual({ out: norm(virsh.out), err: virsh.err, code: virsh.code });
  };

  /** A one-shot listener (or one that fails or times out) prints the same as virsh, poked until both end. */
  async function once(args: string[], poke?: () => Promise<unknown>): Promise<string> {
    const runs = both(args);
    let ended = false;
    const exited = Promise.all(runs.map((r) => r.exited)).then(() => (ended = true));
    await pokeUntil(() => ended, poke);
    await exited;
    expectSame(...runs);
    return runs[1].out;
  }

  // Two listeners racing one guest's resets: rarely, under load, they catch different events.
  it('one event with its data, and each filter: --domain, --event, --no-case, --regex', { retry: 2 }, async () => {
    const first = await once([]);
    expect(first).toMatch(/^event RESET at \d+\.\d{6} for domain 'qme\d+': \{"guest":(false|true),"reason":"[a-z-]+"\}\n/);
    expect(first).toContain("\nevents received: 1\n");
    expect(await once(['--domain', name, '--event', 'RESET'])).toContain('events received: 1\n');
    expect(await once(['--event', 'reset', '--no-case'])).toContain('event RESET');
    expect(await once(['--event', '^R.S[A-Z]T$', '--regex'])).toContain('event RESET');
    expect(await once(['--event', '^stop$', '--regex', '--no-case'], async () => (await dom.suspend(), await dom.resume()))).toContain('event STOP');
    // filters that take none of the resets: the wait times out, and virsh fails the command (its empty error line)
    expect(await once(['--domain', `${name}idle`, '--timeout', '3'])).toBe('event loop timed out\nevents received: 0\n\n');
    expect(await once(['--event', 'reset', '--timeout', '3'])).toBe('event loop timed out\nevents received: 0\n\n');
    expect(await once(['--event', 'RES', '--timeout', '3'])).toBe('event loop timed out\nevents received: 0\n\n');
  });

  // The same race as above: the two one-shot listeners may each catch a different one of the resets.
  it('--pretty and --timestamp', { retry: 2 }, async () => {
    expect(await once(['--pretty'])).toMatch(/: \{\n  "guest": (true|false),\n  "reason": "[a-z-]+"\n\}\n\nevents/);
    expect(await once(['--timestamp'])).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4}: event RESET for domain/);
    await once(['--timestamp', '--pretty', '--event', 'RESET']);
    await once(['--event', 'STOP'], async () => (await dom.suspend(), await dom.resume()));
  });

  it('--loop until --timeout, and until Ctrl-C, with every event in between', async () => {
    const pause = async () => (await dom.suspend(), await dom.resume());
    const looped = async (args: string[], end?: (runs: [Run, Run]) => void) => {
      const runs = both(args);
      await pokeUntil(() => runs.every((r) => eventLines(r.out).length > 0 || r.code !== null), pause);
      await pause();
      await dom.reset();
      end?.(runs);
      await Promise.all(runs.map((r) => r.exited));
      const [virsh, ts] = fromCommonStart(runs[0].out, runs[1].out);
      expectSame({ ...runs[0], out: virsh }, { ...runs[1], out: ts }, (s) => s);
      return ts;
    };
    const timedOut = await looped(['--loop', '--timeout', '10']);
    expect(timedOut).toMatch(/event RESET at .*"guest-reset"\}\n(event RESET .*\n)*event loop timed out\nevents received: \d+\n/);
    expect(await looped(['--loop', '--pretty', '--timeout', '10'])).toContain('"reason": "host-qmp-system-reset"\n}\n\nevent RESET');
    expect(await looped(['--loop', '--event', 'stop', '--no-case', '--timeout', '10'])).not.toContain('RESUME');
    // Ctrl-C once the last events are in
    const interrupted = await looped(['--loop'], (runs) => {
      setTimeout(() => runs.forEach((r) => r.kill('SIGINT')), 2000);
    });
    expect(interrupted).toMatch(/event loop interrupted\nevents received: \d+\n/);
  });

  it('refuses bad options as virsh does', async () => {
    for (const args of [['--timeout', '0'], ['--timeout', '-1'], ['--timeout', 'x'], ['--event', ''], ['--domain', 'nosuch'], ['--bogus']]) {
      const runs = both(args);
      await Promise.all(runs.map((r) => r.exited));
      expectSame(...runs);
    }
    // GRegex words the compiler's reason as PCRE does; the words before it are libvirt's
    const runs = both(['--regex', '--event', '[', '--timeout', '1']);
    await Promise.all(runs.map((r) => r.exited));
    const prefix = "error: invalid argument: failed to compile regex '[': Error while compiling regular expression ‘[’";
    expect(runs[0].err).toContain(prefix);
    expect(runs[1].err).toContain(prefix);
    expect(runs[1].code).toBe(runs[0].code);
  });
});
