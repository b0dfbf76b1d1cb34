import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useOraclePair } from './private-libvirtd.js';
import type { TestHost } from './netns.js';

const TSVIRSH = join(import.meta.dirname, '../../../tsvirsh');

function natXML(name: string, uuid: string, br: string, octet: number): string {
  return `<network><name>${name}</name><uuid>${uuid}</uuid><forward mode='nat'/><bridge name='${br}'/>
    <ip address='192.168.${octet}.1' netmask='255.255.255.0'><dhcp><range start='192.168.${octet}.2' end='192.168.${octet}.254'/></dhcp></ip></network>`;
}
const U1 = '5d5b7a9c-1f0e-4b8a-9a51-2f6c1c0e0a01';
const U2 = '5d5b7a9c-1f0e-4b8a-9a51-2f6c1c0e0a02';

/** A listener: `net-event ARGS` running in the background until it ends by itself or gets SIGINT. */
interface Listener {
  readonly child: ChildProcess;
  readonly done: Promise<string>;
}
function listen(ns: string, cli: string, uri: string, args: string[]): Listener {
  const child = spawn('ip', ['netns', 'exec', ns, cli, '-c', uri, 'net-event', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<string>((resolve) => child.on('exit', (code) => resolve(`${out}[${code}]`)));
  return { child, done };
}

/** Waits until `n` tsvirsh listeners have their relay socket in the embed root (deterministic readiness). */
async function relaySockets(host: TestHost, n: number): Promise<void> {
  const dir = join(host.root, 'run', 'network', 'events');
  const count = (): number => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.sock')).length;
    } catch {
      return 0;
    }
  };
  for (let i = 0; i < 600 && count() < n; i++) await sleep(50);
  expect(count()).toBe(n);
}

describe('network lifecycle events', () => {
  const pair = useOraclePair();

  it('reach every listener of the process, filtered by network and event id', () => {
    const { ours } = pair;
    const body = (xml1: string, xml2: string): string => `
      const seen = [];
      const fmt = (tag) => (net, event, detail) => seen.push(tag + ' ' + net.getName() + ' ' + event + ' ' + detail);
      const all = await conn.networkEventRegisterAny(undefined, 0, fmt('all'));
      const net = await conn.networkDefineXML(${JSON.stringify(xml1)});
      const one = await conn.networkEventRegisterAny(net, 0, fmt('t1'));
      await net.create();
      const t2 = await conn.networkCreateXML(${JSON.stringify(xml2)});
      await t2.destroy();
      await net.destroy();
      await net.undefine();
      await new Promise((r) => setImmediate(r));
      all(); one();
      await conn.networkDefineXML(${JSON.stringify(xml1)}).then((n) => n.undefine());
      await new Promise((r) => setImmediate(r));
      let bad;
      try { await conn.networkEventRegisterAny(undefined, 1, () => undefined); } catch (e) { bad = [e.code, e.domain, e.message]; }
      return { seen, bad };`;
    const got = ours.ok<{ seen: string[]; bad: unknown[] }>(body(natXML('t1', U1, `ea${ours.tag}`, 61), natXML('t2', U2, `eb${ours.tag}`, 62)));
    expect(got.seen).toEqual([
      'all t1 0 0', 'all t1 2 0', 't1 t1 2 0', 'all t2 2 0', 'all t2 3 0', 'all t1 3 0', 't1 t1 3 0', 'all t1 1 0', 't1 t1 1 0',
    ]);
    // libvirt: VIR_ERR_INVALID_ARG (8) from VIR_FROM_NETWORK (19), virReportInvalidArg's words alone.
    expect(got.bad).toEqual([8, 19, 'eventID in virConnectNetworkEventRegisterAny must be less than 1']);
  }, 60_000);

  it('tsvirsh net-event hears other processes as virsh 9.0 hears libvirtd', async () => {
    const { ours, theirs, libvirtd } = pair;
    const side = async (host: TestHost, cli: string, uri: string, ready: (n: number) => Promise<void>): Promise<string[]> => {
      const file = (name: string, text: string): string => {
        const path = join(host.root, name);
        writeFileSync(path, text);
        return path;
      };
      const t1 = file('t1.xml', natXML('t1', U1, `ec${ours.tag}`, 63));
      const t2 = file('t2.xml', natXML('t2', U2, `ed${ours.tag}`, 64));
      const run = (...args: string[]): void => {
        const r = spawnSync('ip', ['netns', 'exec', host.ns, cli, '-c', uri, ...args], { encoding: 'utf8' });
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      };
      const loop = listen(host.ns, cli, uri, ['--event', 'lifecycle', '--loop']);
      const once = listen(host.ns, cli, uri, ['--event', 'lifecycle', '--timeout', '120']);
      await ready(2);
      run('net-define', t1);
      const first = await once.done;
      const t1Only = listen(host.ns, cli, uri, ['--network', 't1', '--event', 'lifecycle', '--loop']);
      await ready(2);
      run('net-start', 't1');
      run('net-create', t2);
      run('net-destroy', 't2');
      run('net-destroy', 't1');
      run('net-undefine', 't1');
      // virsh --loop ends at Ctrl-C, printing what it received; the one-shot listener ended at the first event.
      await sleep(500);
      loop.child.kill('SIGINT');
      t1Only.child.kill('SIGINT');
      return [first, ...(await Promise.all([loop.done, t1Only.done]))];
    };
    // virsh's registration with libvirtd cannot be watched from outside: give it time.
    const got = await side(ours, TSVIRSH, ours.uri, (n) => relaySockets(ours, n));
    const want = await side(theirs, 'virsh', libvirtd.uri, () => sleep(3000));
    expect(got).toEqual(want);
    expect(want[1]).toBe(`event 'lifecycle' for network t1: Defined
event 'lifecycle' for network t1: Started
event 'lifecycle' for network t2: Started
event 'lifecycle' for network t2: Stopped
event 'lifecycle' for network t1: Stopped
event 'lifecycle' for network t1: Undefined
event loop interrupted
events received: 6

[0]`);
  }, 300_000);
});
