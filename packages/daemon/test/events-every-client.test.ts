import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDriverImporter, connect, DomainEventType, type Connection } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchChild } from '@tsvirt/api/testing';
import { startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/qemu-system-x86_64', '/usr/bin/virsh', '/usr/bin/python3'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping events to every client: ${missing.join(', ')} not installed`);

/** A python3-libvirt client printing each lifecycle event as `NAME EVENT DETAIL`, unbuffered. */
const PY_EVENTS = `
import sys, libvirt
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(sys.argv[1])
def cb(conn, dom, event, detail, opaque):
    print(dom.name(), event, detail, flush=True)
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None)
print("registered", flush=True)
while True:
    libvirt.virEventRunDefaultImpl()
`;

const VIRSH_CLIENTS = 3;

// Every subscribed client of the served root gets each event, whoever caused it: several Debian
// virsh, a python3-libvirt and a tsvirt client at once, with the root's definitions changed by yet
// another client.
describe.skipIf(missing.length > 0 && !ci)('events reach every subscribed client of tsvirtd', () => {
  let d: DaemonProcess;
  let uri: string;
  const procs: ChildProcess[] = [];
  const virshLogs: string[] = [];
  let pyLog = '';
  let tsConn: Connection;
  const tsEvents: Array<{ name: string; event: number; detail: number }> = [];
  const ac = new AbortController();
  const virsh = (cmd: string) => spawnSync('/usr/bin/virsh', ['-c', uri, cmd], { encoding: 'utf8', timeout: 120_000 });

  beforeAll(async () => {
    addDriverImporter((s) => import(s));
    d = await startDaemon();
    uri = `qemu+unix:///system?socket=${d.rw}`;
    for (let i = 0; i < VIRSH_CLIENTS; i++) {
      const p = spawn('/usr/bin/virsh', ['-c', uri, 'event', '--loop', '--event', 'lifecycle'], { stdio: ['ignore', 'pipe', 'pipe'] });
      virshLogs.push('');
      p.stdout!.on('data', (b: Buffer) => (virshLogs[i] += b.toString()));
      procs.push(p);
    }
    const py = spawn('/usr/bin/python3', ['-c', PY_EVENTS, uri], { stdio: ['ignore', 'pipe', 'pipe'] });
    py.stdout!.on('data', (b: Buffer) => (pyLog += b.toString()));
    procs.push(py);
    tsConn = await connect(uri);
    void (async () => {
      for await (const e of tsConn.domainEvents({ signal: ac.signal })) tsEvents.push({ name: e.domain.getName(), event: e.event, detail: e.detail });
    })().catch(() => undefined);
    // every client registered: a probe's definition has reached each of them
    writeFileSync(join(d.dir, 'probe.xml'), domain('probe'));
    await waitFor(() => {
      if (virshLogs.every((l) => l.includes("domain 'probe'")) && pyLog.includes('probe ') && tsEvents.some((e) => e.name === 'probe')) return true;
      virsh(`define ${join(d.dir, 'probe.xml')}; undefine probe`);
      return false;
    }, 90_000, 'every client to register').catch((e: Error) => {
      throw new Error(`${e.message}: virsh ${JSON.stringify(virshLogs)}, python ${JSON.stringify(pyLog)}, tsvirt ${JSON.stringify(tsEvents)}`);
    });
  }, 150_000);
  afterAll(async () => {
    ac.abort();
    for (const p of procs) p.kill();
    await tsConn?.close().catch(() => undefined);
    await d?.dispose();
  });

  it('a definition and its removal by another client: each client is told, in order, with the same codes', async () => {
    writeFileSync(join(d.dir, 'e1.xml'), domain('e1'));
    const r = virsh(`define ${join(d.dir, 'e1.xml')}; undefine e1`);
    expect(r.stderr).toBe('');
    const want = ["event 'lifecycle' for domain 'e1': Defined Added", "event 'lifecycle' for domain 'e1': Undefined Removed"];
    const of = (log: string) => log.split('\n').filter((l) => l.includes("domain 'e1'"));
    await waitFor(() => virshLogs.every((l) => of(l).length >= 2) && pyLog.includes('e1 1 ') && tsEvents.filter((e) => e.name === 'e1').length >= 2,
      30_000, 'the events at every client');
    for (const log of virshLogs) expect(of(log)).toEqual(want);
    expect(pyLog.split('\n').filter((l) => l.startsWith('e1 '))).toEqual([`e1 ${DomainEventType.DEFINED} 0`, `e1 ${DomainEventType.UNDEFINED} 0`]);
    expect(tsEvents.filter((e) => e.name === 'e1').map((e) => [e.event, e.detail])).toEqual([[DomainEventType.DEFINED, 0], [DomainEventType.UNDEFINED, 0]]);
  }, 60_000);

  it('a client that leaves takes only its own subscription: the others are still told', async () => {
    const first = watchChild('the first virsh event --loop', procs[0]!);
    procs[0]!.kill();
    await first.exited(30_000);
    writeFileSync(join(d.dir, 'e2.xml'), domain('e2'));
    expect(virsh(`define ${join(d.dir, 'e2.xml')}; undefine e2`).stderr).toBe('');
    await waitFor(() => virshLogs.slice(1).every((l) => l.includes("domain 'e2': Undefined Removed")) && pyLog.includes('e2 1 ')
      && tsEvents.some((e) => e.name === 'e2' && e.event === DomainEventType.UNDEFINED), 30_000, 'the events at the remaining clients');
    expect(virshLogs[0]).not.toContain("domain 'e2'");
  }, 60_000);
});

function domain(name: string): string {
  return `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;
}
