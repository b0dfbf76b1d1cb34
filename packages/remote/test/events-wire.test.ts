import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { watchChild } from '@tsvirt/api/testing';
import { connect, DomainEventID, NetworkEventID, SecretEventID, StoragePoolEventID, type Connection, type DomainDriverEvent } from '@tsvirt/api';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

/**
 * Every event id the API has, over the wire: tsvirt acts on a libvirtd and listens through the
 * remote driver while python3-libvirt listens on the same daemon; both must see the same events,
 * with the same fields, in the same order.
 */
const suite = daemonSuite('event tests against python3-libvirt');
/** `nobody`: a session libvirtd with its QEMU driver keeps QEMU's state in its own directories. */
const NOBODY = 65534;
const QEMU = '/usr/bin/qemu-system-x86_64';
if (!existsSync(QEMU)) console.log('domain events through libvirtd: QEMU is not installed');

/** A listener registered for every event id of the API; prints "ready", then its events as JSON once stdin closes. */
const PY = `
import json, sys, threading, time, libvirt
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()
c = libvirt.open(sys.argv[1])
seen = []
add = seen.append
D = lambda i, f: c.domainEventRegisterAny(None, i, f, None)
D(libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, lambda c_, d, o: add(['reboot', d.name()]))
D(libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB, lambda c_, d, p, t, s, o: add(['blockjob', d.name(), p, t, s]))
D(libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, lambda c_, d, a, o: add(['removed', d.name(), a]))
D(libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, lambda c_, d, p, t, s, o: add(['blockjob2', d.name(), p, t, s]))
D(libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, lambda c_, d, a, o: add(['added', d.name(), a]))
D(libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD, lambda c_, d, dev, p, t, e, o: add(['threshold', d.name(), dev, p, t, e]))
D(libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, lambda c_, d, s, r, o: add(['agent', d.name(), s, r]))
if sys.argv[2] == 'objects':
    c.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, lambda c_, n, e, d, o: add(['net', n.name(), e, d]), None)
    c.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, lambda c_, p, e, d, o: add(['pool', p.name(), e, d]), None)
    c.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH, lambda c_, p, o: add(['refresh', p.name()]), None)
else:
    c.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_LIFECYCLE, lambda c_, s, e, d, o: add(['secret', s.UUIDString(), e, d]), None)
    c.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_VALUE_CHANGED, lambda c_, s, o: add(['value', s.UUIDString()]), None)
print('ready', flush=True)
sys.stdin.read()
time.sleep(0.5)
print(json.dumps(seen), flush=True)
`;

/** python3-libvirt listening on `uri` (`objects`: network and pool events; `secrets`: secret events; domain events always). */
async function pythonListener(uri: string, kinds: 'objects' | 'secrets'): Promise<{ finish(): Promise<unknown[]> }> {
  const py = watchChild(`python3-libvirt listener (${kinds})`, spawn('/usr/bin/python3', ['-c', PY, uri, kinds], { stdio: ['pipe', 'pipe', 'pipe'] }));
  for (let i = 0; !py.stdout.startsWith('ready\n'); i++) {
    if (i > 300 || py.child.exitCode !== null) {
      py.child.kill('SIGKILL');
      throw new Error(`python3-libvirt did not start: ${py.stderr}`);
    }
    await sleep(50);
  }
  return {
    async finish() {
      py.child.stdin!.end();
      const { code } = await py.ended(30_000);
      if (code !== 0) throw new Error(`python3-libvirt listener: exit ${String(code)} ${py.stderr}`);
      return JSON.parse(py.stdout.slice('ready\n'.length)) as unknown[];
    },
  };
}

/** tsvirt's domain events in python's shape. */
function domainRow(e: DomainDriverEvent): unknown[] {
  const name = e.domain.name;
  switch (e.eventID) {
    case 1: return ['reboot', name];
    case 8: return ['blockjob', name, e.disk, e.type, e.status];
    case 15: return ['removed', name, e.devAlias];
    case 16: return ['blockjob2', name, e.disk, e.type, e.status];
    case 18: return ['agent', name, e.state, e.reason];
    case 19: return ['added', name, e.devAlias];
    case 24: return ['threshold', name, e.dev, e.path, Number(e.threshold), Number(e.excess)];
    default: return ['lifecycle', name];
  }
}

const DOMAIN_IDS = [DomainEventID.REBOOT, DomainEventID.BLOCK_JOB, DomainEventID.DEVICE_REMOVED, DomainEventID.BLOCK_JOB_2,
  DomainEventID.DEVICE_ADDED, DomainEventID.BLOCK_THRESHOLD, DomainEventID.AGENT_LIFECYCLE];

/** Registers tsvirt for every domain event id but lifecycle (tested in client.test.ts); answers the deregistrations. */
async function listenDomains(conn: Connection, seen: unknown[]): Promise<(() => void)[]> {
  return Promise.all(DOMAIN_IDS.map((id) => conn.domainEventRegisterAny(undefined, id, (_d, e) => seen.push(domainRow(e)))));
}

async function until(what: string, ok: () => boolean, seen: unknown[] = []): Promise<void> {
  for (let i = 0; i < 300 && !ok(); i++) await sleep(100);
  if (!ok()) throw new Error(`timed out waiting for ${what}; seen: ${JSON.stringify(seen, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`);
}

suite('events of every id the API has, through libvirtd, against python3-libvirt on the same daemon', { timeout: 120_000 }, () => {
  let testDaemon: PrivateLibvirtd;
  let qemuDaemon: PrivateLibvirtd;
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-remote-events-${process.pid}-`));
  beforeAll(async () => {
    // QEMU runs as nobody: its images are in a directory it can reach
    chmodSync(dir, 0o755);
    [testDaemon, qemuDaemon] = await Promise.all([startLibvirtd(), startLibvirtd('', { drivers: ['qemu', 'secret'], uid: NOBODY })]);
  });
  afterAll(async () => {
    await Promise.all([testDaemon?.stop(), qemuDaemon?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('network lifecycle, storage pool lifecycle and refresh (libvirtd\'s test driver)', async () => {
    const conn = await connect(testDaemon.uri);
    const seen: unknown[] = [];
    const offs = [
      await conn.networkEventRegisterAny(undefined, NetworkEventID.LIFECYCLE, (n, e, d) => seen.push(['net', n.getName(), e, d])),
      await conn.storagePoolEventRegisterAny(undefined, StoragePoolEventID.LIFECYCLE, (p, e, d) => seen.push(['pool', p.getName(), e, d])),
      await conn.storagePoolEventRegisterAny(undefined, StoragePoolEventID.REFRESH, (p) => seen.push(['refresh', p.getName()])),
    ];
    // a second registration of the same id shares the daemon's callback (libvirtd tracks one)
    const again: unknown[] = [];
    offs.push(await conn.networkEventRegisterAny(undefined, NetworkEventID.LIFECYCLE, (n, e, d) => again.push(['net', n.getName(), e, d])));
    const py = await pythonListener(testDaemon.uri, 'objects');
    try {
      const net = await conn.networkDefineXML(`<network><name>ev${process.pid}</name><bridge name='evbr${process.pid % 10000}'/>
        <ip address='192.168.150.1' netmask='255.255.255.0'/></network>`);
      await net.create();
      await net.destroy();
      await net.undefine();
      const pool = await conn.storagePoolDefineXML(`<pool type='dir'><name>ev${process.pid}</name><target><path>${dir}/pool</path></target></pool>`);
      await pool.create();
      await pool.refresh();
      await pool.destroy();
      await pool.undefine();
      const expected = await py.finish();
      await until('tsvirt to see what python3-libvirt saw', () => seen.length >= expected.length);
      expect(seen).toEqual(expected);
      // defined, started, stopped, undefined; the pool refreshed once besides
      expect(expected.length).toBe(9);
      expect(again).toEqual(seen.filter((r) => (r as string[])[0] === 'net'));
    } finally {
      offs.forEach((off) => off());
      await conn.close();
    }
  });

  it.skipIf(!existsSync(QEMU) && process.env.CI !== 'true')('reboot, device added/removed, block threshold, block job 1 and 2, agent lifecycle, secret lifecycle and value (real QEMU)', async () => {
    const top = join(dir, 'top.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '16M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', join(dir, 'base.qcow2'), '-F', 'qcow2', top]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(dir, 'plain.img'), '1M']);
    execFileSync('chown', [String(NOBODY), join(dir, 'base.qcow2'), top, join(dir, 'plain.img')]);
    const uri = `qemu+unix:///session?socket=${qemuDaemon.socket}`;
    const conn = await connect(uri);
    const seen: unknown[] = [];
    const offs = [
      ...(await listenDomains(conn, seen)),
      await conn.secretEventRegisterAny(undefined, SecretEventID.LIFECYCLE, (s, e, d) => seen.push(['secret', s.getUUIDString(), e, d])),
      await conn.secretEventRegisterAny(undefined, SecretEventID.VALUE_CHANGED, (s) => seen.push(['value', s.getUUIDString()])),
    ];
    const py = await pythonListener(uri, 'secrets');
    const name = `ev${process.pid}`;
    try {
      const secret = await conn.secretDefineXML(`<secret ephemeral='no' private='no'><usage type='volume'><volume>${dir}/v.img</volume></usage></secret>`);
      await secret.setValue(new TextEncoder().encode('abc'));
      await secret.undefine();
      const dom = await conn.createXML(`<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>
        <os><type arch='x86_64' machine='pc'>hvm</type></os>
        <devices><controller type='scsi' index='0' model='virtio-scsi'/>
        <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices></domain>`);
      // a SCSI disk leaves at once while the firmware has not scanned the bus (after a reset, or
      // just out of a block job, it may stay: libvirtd raises no DEVICE_REMOVED then, to
      // python3-libvirt neither), so it comes and goes first
      const plain = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${dir}/plain.img'/><target dev='sdb' bus='scsi'/></disk>`;
      await dom.attachDeviceFlags(plain, 1);
      await dom.detachDeviceFlags(plain, 1);
      await until('the disk to leave', () => seen.some((r) => (r as string[])[0] === 'removed'), seen);
      await dom.reset();
      const disk = `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${top}'/><target dev='sda' bus='scsi'/></disk>`;
      await dom.attachDeviceFlags(disk, 1);
      await dom.setBlockThreshold('sda', 1024n * 1024n);
      // a write through QEMU's block layer passes the threshold (the guest has no OS to write)
      await dom.qemuMonitorCommand('qemu-io -d scsi0-0-0-0 "write 0 2M"', 1);
      await until('the threshold event', () => seen.some((r) => (r as string[])[0] === 'threshold'));
      await dom.blockPull('sda');
      await until('the block job to end', () => seen.some((r) => (r as string[])[0] === 'blockjob2'));

      await dom.destroy();
      const expected = await py.finish();
      await until('tsvirt to see what python3-libvirt saw', () => seen.length >= expected.length);
      expect(seen).toEqual(expected);
      const kinds = new Set(expected.map((r) => (r as string[])[0]));
      expect([...kinds].sort()).toEqual(['added', 'agent', 'blockjob', 'blockjob2', 'reboot', 'removed', 'secret', 'threshold', 'value']);
      // the agent's channel at start: disconnected (the guest has no agent), reason domain started
      expect(seen).toContainEqual(['agent', name, 2, 1]);
      expect(seen).toContainEqual(['blockjob2', name, 'sda', 1, 0]);
      expect(seen).toContainEqual(['threshold', name, 'sda', top, 1024 * 1024, expect.any(Number)]);
    } finally {
      offs.forEach((off) => off());
      await (await conn.lookupByName(name).catch(() => undefined))?.destroy().catch(() => undefined);
      await conn.close();
    }
  });
});
