import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDriverImporter, connect } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/qemu-system-x86_64', '/usr/bin/virsh', '/usr/sbin/libvirtd'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping QEMU monitor events through tsvirtd: ${missing.join(', ')} not installed`);
/** The oracle: the machine's libvirtd (started when down; transient guests of unique names only). */
const LIBVIRTD_UP = resolve(dirname(fileURLToPath(import.meta.url)), '../../driver-qemu/scripts/libvirtd-up.sh');

const domainXml = (name: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;

/** A `virsh qemu-monitor-event --loop` with its options, collecting what it prints. */
function listen(uri: string, ...opts: string[]): { proc: ChildProcess; lines: () => string[] } {
  const proc = spawn('/usr/bin/virsh', ['-c', uri, 'qemu-monitor-event', '--loop', ...opts], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  return { proc, lines: () => out.split('\n').filter((l) => l.startsWith('event ')) };
}

/** Timestamps and the domain's name made comparable across two daemons. */
const shape = (l: string): string => l.replace(/ at \d+\.\d{6} /, ' at S.U ').replace(/domain '\w+?\d+'/, "domain 'D'");

describe.skipIf(missing.length > 0 && !ci)('QEMU monitor events through tsvirtd (real QEMU)', () => {
  let d: DaemonProcess;
  const uris: { tsvirtd: string; libvirtd: string } = { tsvirtd: '', libvirtd: '' };
  const virsh = (uri: string, cmd: string) => spawnSync('/usr/bin/virsh', ['-c', uri, cmd], { encoding: 'utf8', timeout: 120_000 });

  beforeAll(async () => {
    d = await startDaemon();
    expect(spawnSync(LIBVIRTD_UP, { stdio: 'inherit', timeout: 60_000 }).status).toBe(0);
    uris.tsvirtd = `qemu+unix:///system?socket=${d.rw}`;
    uris.libvirtd = 'qemu:///system';
    for (const n of ['e1', 'e2']) writeFileSync(join(d.dir, `${n}.xml`), domainXml(`${n}x${process.pid}`));
  });
  afterAll(async () => {
    for (const uri of Object.values(uris)) if (uri) virsh(uri, `destroy e1x${process.pid}; destroy e2x${process.pid}`);
    await d?.dispose();
  }, 120_000);

  it('Debian virsh qemu-monitor-event --loop prints what it prints from libvirtd; --event, --regex, --no-case, --domain filter', async () => {
    const seen: Record<string, string[]> = {};
    for (const [daemon, uri] of Object.entries(uris)) {
      const r = virsh(uri, `create ${join(d.dir, 'e1.xml')}; create ${join(d.dir, 'e2.xml')}`);
      expect(r.stderr).toBe('');
      const e1 = `e1x${process.pid}`;
      const all = listen(uri);
      const filtered = [
        listen(uri, '--event', 'RESET'), listen(uri, '--event', 'stop', '--no-case'), listen(uri, '--event', '^RES(UME|ET)$', '--regex'),
        listen(uri, '--event', 'stop'), listen(uri, '--domain', `e2x${process.pid}`),
      ];
      try {
        // each virsh has registered once a pause reached it
        await waitFor(() => {
          if ([all, ...filtered.slice(0, 3)].every((l) => l.lines().length > 0)) return true;
          virsh(uri, `suspend ${e1}; resume ${e1}; reset ${e1}`);
          return false;
        }, 60_000, `every virsh to register on ${daemon}`);
        const n = all.lines().length;
        virsh(uri, `suspend ${e1}; resume ${e1}; reset ${e1}`);
        await waitFor(() => all.lines().slice(n).some((l) => l.includes('host-qmp-system-reset')), 30_000, `the last round on ${daemon}`);
        // a guest without a disk resets itself now and then (its firmware finds nothing to boot)
        seen[daemon] = all.lines().slice(n).filter((l) => !l.includes('"guest-reset"')).map(shape);
        expect(filtered[0]!.lines().every((l) => l.startsWith('event RESET '))).toBe(true);
        expect(filtered[1]!.lines().every((l) => l.startsWith('event STOP '))).toBe(true);
        expect(filtered[2]!.lines().every((l) => /^event RES(UME|ET) /.test(l))).toBe(true);
        expect(filtered[3]!.lines()).toEqual([]);
        expect(filtered[4]!.lines()).toEqual([]);
      } finally {
        for (const l of [all, ...filtered]) l.proc.kill();
        virsh(uri, `destroy ${e1}; destroy e2x${process.pid}`);
      }
    }
    expect(seen['tsvirtd']).toEqual([
      "event STOP at S.U for domain 'D': <null>",
      "event RESUME at S.U for domain 'D': <null>",
      'event RESET at S.U for domain \'D\': {"guest":false,"reason":"host-qmp-system-reset"}',
    ]);
    expect(seen['tsvirtd']).toEqual(seen['libvirtd']);
  }, 300_000);

  it('tsvirt\'s remote client through tsvirtd: events, a bad flag refused, deregistration', async () => {
    addDriverImporter((s) => import(s));
    const conn = await connect(uris.tsvirtd);
    const name = `e1x${process.pid}`;
    try {
      const dom = await conn.createXML(domainXml(name));
      const got: string[] = [];
      // the guest's own resets (no disk to boot) left out
      const off = await conn.domainQemuMonitorEventRegister(dom, 'reset', (e) => e.details?.includes('guest-reset') || got.push(`${e.event} ${e.dom.name} ${e.details}`), 2);
      await expect(conn.domainQemuMonitorEventRegister(dom, undefined, () => undefined, 8)).rejects.toThrow('unsupported flags (0x8)');
      await dom.reset();
      await waitFor(() => got.length > 0, 30_000, 'the RESET event');
      await off();
      await dom.reset();
      await dom.suspend();
      expect(got).toEqual([`RESET ${name} {"guest":false,"reason":"host-qmp-system-reset"}`]);
    } finally {
      await (await conn.lookupByName(name).catch(() => undefined))?.destroy().catch(() => undefined);
      await conn.close();
    }
  }, 120_000);
});
