import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, ConnectDomainQemuMonitorEventRegisterFlags as F, type Connection, type Domain, type QemuMonitorEvent } from '@tsvirt/api';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('QEMU monitor event tests');
/** `nobody`: a session libvirtd with its QEMU driver keeps QEMU's state in its own directories. */
const NOBODY = 65534;
const QEMU = '/usr/bin/qemu-system-x86_64';
if (!existsSync(QEMU)) console.log('QEMU monitor events through libvirtd: QEMU is not installed');

/** A line as virsh's qemu-monitor-event prints an event. */
const line = (e: QemuMonitorEvent): string =>
  `event ${e.event} at ${e.seconds}.${String(e.micros).padStart(6, '0')} for domain '${e.dom.name}': ${e.details ?? '<null>'}`;

async function until(what: string, ok: () => boolean, poke?: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (ok()) return;
    await poke?.();
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

suite('QEMU monitor events from libvirtd\'s QEMU driver (real QEMU)', { timeout: 120_000 }, () => {
  let daemon: PrivateLibvirtd;
  let conn: Connection;
  let uri: string;
  let dom: Domain;
  let idle: Domain;
  const virshRun = (...args: string[]) => spawnSync('/usr/bin/virsh', ['-c', uri, ...args], { encoding: 'utf8', timeout: 60_000 });
  const pause = async () => {
    await dom.suspend();
    await dom.resume();
  };
  beforeAll(async () => {
    daemon = await startLibvirtd('', { drivers: ['qemu'], uid: NOBODY });
    uri = `qemu+unix:///session?socket=${daemon.socket}`;
    conn = await connect(uri);
    const xml = (name: string) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>
      <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;
    dom = await conn.createXML(xml(`mon${process.pid}`));
    idle = await conn.createXML(xml(`idle${process.pid}`));
  });
  afterAll(async () => {
    await dom?.destroy().catch(() => undefined);
    await idle?.destroy().catch(() => undefined);
    await conn?.close();
    await daemon?.stop();
  });

  it('each registration gets what its filter takes, with the very lines virsh prints; none after deregistering', async () => {
    const got = { all: [] as string[], regex: [] as string[], nocase: [] as string[], literal: [] as string[], other: [] as string[] };
    const offs = [
      await conn.domainQemuMonitorEventRegister(undefined, undefined, (e) => got.all.push(line(e))),
      await conn.domainQemuMonitorEventRegister(dom, 'ES(U|X)M', (e) => got.regex.push(e.event), F.REGEX),
      await conn.domainQemuMonitorEventRegister(undefined, 'stop', (e) => got.nocase.push(e.event), F.NOCASE),
      await conn.domainQemuMonitorEventRegister(undefined, 'stop', (e) => got.literal.push(e.event)),
      await conn.domainQemuMonitorEventRegister(idle, undefined, (e) => got.other.push(e.event)),
    ];
    const virsh: ChildProcess = spawn('/usr/bin/virsh', ['-c', uri, 'qemu-monitor-event', '--loop'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    virsh.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    try {
      await until('virsh to see an event', () => log.includes('event STOP'), pause);
      await pause();
      await until('both clients to see the last pause', () => got.all.length >= 4 && log.split('\n').filter((l) => l.startsWith('event RESUME')).length >= 2 && got.all.at(-1)!.startsWith('event RESUME'));
      await Promise.all(offs.map((off) => off()));
      const seen = got.all.length;
      const virshLines = (): string[] => log.split('\n').filter((l) => l.startsWith('event '));
      const before = virshLines().length;
      await pause();
      await until('virsh to see the pause after the deregistration', () => virshLines().length >= before + 2);
      expect(got.all.length).toBe(seen);
      // virsh registered after tsvirt: its lines up to the deregistration are the end of tsvirt's
      const from = got.all.indexOf(virshLines()[0]!);
      expect(from).toBeGreaterThanOrEqual(0);
      expect(virshLines().slice(0, got.all.length - from)).toEqual(got.all.slice(from));
      expect(got.all.every((l) => /^event (STOP|RESUME) at \d+\.\d{6} for domain 'mon\d+': <null>$/.test(l))).toBe(true);
      expect(got.regex.length).toBe(got.all.filter((l) => l.startsWith('event RESUME')).length);
      expect(new Set(got.regex)).toEqual(new Set(['RESUME']));
      expect(got.nocase).toEqual(got.all.filter((l) => l.startsWith('event STOP')).map(() => 'STOP'));
      expect(got.literal).toEqual([]);
      expect(got.other).toEqual([]);
    } finally {
      virsh.kill();
    }
  });

  it('refuses what libvirtd refuses, with its words: a bad regex, an unknown flag', async () => {
    // GRegex words the reason as PCRE does; the words before it are the same
    const virsh = virshRun('qemu-monitor-event', '--regex', '--event', '[', '--timeout', '1');
    expect(virsh.stderr).toContain("error: invalid argument: failed to compile regex '[': Error while compiling regular expression ‘[’ at char 1:");
    await expect(conn.domainQemuMonitorEventRegister(undefined, '[', () => undefined, F.REGEX)).rejects
      .toThrow("invalid argument: failed to compile regex '[': Error while compiling regular expression ‘[’: ");
    await expect(conn.domainQemuMonitorEventRegister(undefined, undefined, () => undefined, 4)).rejects.toThrow('unsupported flags (0x4)');
  });
});
