import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DomainEventDetail as ED, DomainEventType as ET, DomainMigrateFlags as MF, DomainMigrateParam as MP, DomainPausedReason,
  DomainRunningReason, DomainShutoffReason, DomainState, ErrorCode, typedString, typedULLong, type Connection, type Domain,
} from '@tsvirt/api';
import { alive, domainXml, majMin, sharedDisk, useTestRoot } from './helpers.js';
import { qemuMissing } from './qemu-run.js';
import { pidIn, untilSending, wait } from './migrate-helpers.js';

const a = useTestRoot();
const b = useTestRoot();

type Seen = Array<[string, number, number]>;

/** Lifecycle events of one connection as [name, event, detail]. */
async function recordEvents(conn: Connection): Promise<{ seen: Seen; stop: () => void }> {
  const seen: Seen = [];
  const stop = await conn.domainEventRegisterAny(undefined, 0, (dom, e) => {
    const ev = e as unknown as { event: number; detail: number };
    seen.push([dom.getName(), ev.event, ev.detail]);
  });
  return { seen, stop };
}

/** 1 MiB/s: a 2 GiB guest (untouched memory costs a few bytes a page) takes about 8 s, time to act mid-way. */
const SLOW = [typedULLong(MP.BANDWIDTH, 1n)];

/** A guest whose migration at 1 MiB/s lasts seconds. */
function slowGuest(conn: Connection, name: string): Promise<Domain> {
  return conn.createXML(domainXml(name).replace("<memory unit='MiB'>64</memory>", "<memory unit='MiB'>2048</memory>"));
}

describe('live migration between two embed roots (QEMU under TCG)', () => {
  it('migrates a running guest A → B and back, with events on both sides and the job statistics', async () => {
    if (qemuMissing()) return;
    const evA = await recordEvents(a.conn);
    const evB = await recordEvents(b.conn);
    const dom = await a.conn.createXML(domainXml('mig1'));
    const pid = pidIn(a.root, 'mig1');
    const there = await dom.migrate3(b.conn, [], MF.LIVE);
    expect(there.getName()).toBe('mig1');
    expect(await there.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.MIGRATED]);
    expect(await there.isPersistent()).toBe(false);
    await expect(a.conn.lookupByName('mig1')).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
    expect(alive(pid)).toBe(false);
    expect(a.root.statuses()).toEqual([]);
    await wait(100);
    expect(evA.seen).toEqual([
      ['mig1', ET.RESUMED, ED.RESUMED.UNPAUSED], ['mig1', ET.STARTED, ED.STARTED.BOOTED], ['mig1', ET.SUSPENDED, ED.SUSPENDED.MIGRATED], ['mig1', ET.STOPPED, ED.STOPPED.MIGRATED],
    ]);
    expect(evB.seen).toEqual([['mig1', ET.STARTED, ED.STARTED.MIGRATED], ['mig1', ET.RESUMED, ED.RESUMED.MIGRATED]]);
    evA.stop();
    evB.stop();
    // the source's completed job statistics travel to the destination (domjobinfo --completed)
    const done = await there.getJobStats(1);
    expect(done.type).toBe(3);
    expect(done.params.find((p) => p.field === 'memory_total')?.value).toBeGreaterThan(0n);
    expect((await there.getJobInfo()).type).toBe(0);
    const back = await there.migrate3(a.conn, [], MF.LIVE);
    expect(await back.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.MIGRATED]);
    expect(b.root.statuses()).toEqual([]);
    await back.destroy();
  });

  it('peer to peer: the source opens the destination itself (migrateToURI3), with a new name and --suspend', async () => {
    if (qemuMissing()) return;
    const dom = await a.conn.createXML(domainXml('mig2'));
    await dom.migrateToURI3(b.root.uri, [typedString(MP.DEST_NAME, 'mig2b')], MF.LIVE | MF.PEER2PEER | MF.PAUSED);
    const there = await b.conn.lookupByName('mig2b');
    expect(await there.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.USER]);
    await expect(a.conn.lookupByName('mig2')).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
    // the classic virDomainMigrate call, peer to peer back under the old name
    // a paused guest stays paused on the destination
    const back = await there.migrate(a.conn, MF.LIVE | MF.PEER2PEER, 'mig2');
    expect(back.getName()).toBe('mig2');
    expect(await back.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.USER]);
    await back.destroy();
  });

  it('--persistent defines the domain on the destination; --undefinesource removes the source definition', async () => {
    if (qemuMissing()) return;
    const dom = await a.conn.defineXML(domainXml('mig3'));
    await dom.create();
    const evA = await recordEvents(a.conn);
    const there = await dom.migrate3(b.conn, [], MF.LIVE | MF.PERSIST_DEST);
    expect(await there.isPersistent()).toBe(true);
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.MIGRATED]);
    expect(await dom.isPersistent()).toBe(true);
    await there.destroy();
    expect(await there.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.DESTROYED]);
    await there.create();
    await there.migrate3(a.conn, [], MF.LIVE | MF.PERSIST_DEST | MF.UNDEFINE_SOURCE);
    await expect(b.conn.lookupByName('mig3')).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.MIGRATED]);
    await wait(100);
    expect(evA.seen).toEqual(expect.arrayContaining([['mig3', ET.DEFINED, ED.DEFINED.UPDATED], ['mig3', ET.STARTED, ED.STARTED.MIGRATED]]));
    evA.stop();
    await dom.destroy();
    await dom.undefine();
  });

  it('offline migration of a stopped persistent domain needs --persistent, and defines it there', async () => {
    if (qemuMissing()) return;
    const dom = await a.conn.defineXML(domainXml('mig4'));
    await expect(dom.migrate3(b.conn, [], MF.OFFLINE)).rejects.toMatchObject({
      code: ErrorCode.OPERATION_INVALID, message: 'Requested operation is not valid: offline migration must be specified with the persistent flag set',
    });
    await expect(dom.migrate3(b.conn, [], MF.LIVE)).rejects.toMatchObject({ message: 'Requested operation is not valid: domain is not running' });
    const there = await dom.migrate3(b.conn, [], MF.OFFLINE | MF.PERSIST_DEST | MF.UNDEFINE_SOURCE);
    expect(await there.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.UNKNOWN]);
    expect(await there.isPersistent()).toBe(true);
    await expect(a.conn.lookupByName('mig4')).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
    await there.undefine();
  });

  it('domjobinfo while sending, domjobabort rolls back: nothing left on the destination, the source runs on', async () => {
    if (qemuMissing()) return;
    const dom = await slowGuest(a.conn, 'mig5');
    const evB = await recordEvents(b.conn);
    const migrating = dom.migrate3(b.conn, SLOW, MF.LIVE);
    migrating.catch(() => undefined);
    await untilSending(dom);
    const info = await dom.getJobInfo();
    expect(info.dataTotal).toBeGreaterThan(2000n * 1024n * 1024n);
    expect(info.dataRemaining).toBeGreaterThan(0n);
    const destPid = pidIn(b.root, 'mig5');
    expect(await (await b.conn.lookupByName('mig5')).getState()).toEqual([DomainState.PAUSED, DomainPausedReason.MIGRATION]);
    await dom.abortJob();
    await expect(migrating).rejects.toMatchObject({ code: ErrorCode.OPERATION_ABORTED, message: "operation aborted: job 'migration out' canceled by client" });
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    expect(alive(destPid)).toBe(false);
    expect(b.root.statuses()).toEqual([]);
    await expect(b.conn.lookupByName('mig5')).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
    await wait(100);
    expect(evB.seen).toEqual([['mig5', ET.STARTED, ED.STARTED.MIGRATED], ['mig5', ET.STOPPED, ED.STOPPED.FAILED]]);
    evB.stop();
    await expect(dom.abortJob()).rejects.toMatchObject({ message: 'Requested operation is not valid: no job is active on the domain' });
    await dom.destroy();
  });

  it('migrate-setspeed and migrate-setmaxdowntime reach a running migration; the tunables are kept', async () => {
    if (qemuMissing()) return;
    const plain = await a.conn.createXML(domainXml('mig6a'));
    expect(await plain.migrateGetMaxSpeed()).toBe(8796093022207n);
    expect(await plain.migrateGetMaxDowntime()).toBe(300n);
    expect(await plain.migrateGetCompressionCache()).toBe(64n * 1024n * 1024n);
    await plain.destroy();
    const dom = await slowGuest(a.conn, 'mig6');
    await dom.migrateSetMaxDowntime(100n);
    expect(await dom.migrateGetMaxDowntime()).toBe(100n);
    const migrating = dom.migrate3(b.conn, SLOW, MF.LIVE);
    await untilSending(dom);
    await wait(1000);
    expect((await dom.getJobInfo()).type).toBe(2);
    // both reach QEMU through the sending loop: the migration converges
    await dom.migrateSetMaxSpeed(100_000n);
    await dom.migrateSetMaxDowntime(2000n);
    const there = await migrating;
    expect(await there.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.MIGRATED]);
    await there.destroy();
  });

  it("a suspend while sending (virsh's --timeout) pauses the source through the sending loop, so it converges", async () => {
    if (qemuMissing()) return;
    const dom = await slowGuest(a.conn, 'mig12');
    const evA = await recordEvents(a.conn);
    const migrating = dom.migrate3(b.conn, SLOW, MF.LIVE);
    await untilSending(dom);
    await dom.suspend();
    const there = await migrating;
    await wait(100);
    evA.stop();
    expect(evA.seen).toEqual([
      ['mig12', ET.SUSPENDED, ED.SUSPENDED.PAUSED], ['mig12', ET.SUSPENDED, ED.SUSPENDED.MIGRATED], ['mig12', ET.STOPPED, ED.STOPPED.MIGRATED],
    ]);
    expect(await there.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.MIGRATED]);
    await there.destroy();
  });

  it('a destination QEMU that dies mid-way: the source rolls back and runs on, nothing is left there', async () => {
    if (qemuMissing()) return;
    const dom = await slowGuest(a.conn, 'mig7');
    const migrating = dom.migrate3(b.conn, SLOW, MF.LIVE);
    migrating.catch(() => undefined);
    await untilSending(dom);
    process.kill(pidIn(b.root, 'mig7'), 'SIGKILL');
    await expect(migrating).rejects.toMatchObject({ code: ErrorCode.OPERATION_FAILED });
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    expect(b.root.statuses().map((x) => [x['name'], x['pid'], x['state'], x['reason']])).toEqual([]);
    // a Prepare that fails (QEMU cannot start there) also leaves the source running
    const bad = (await dom.getXMLDesc()).replace(/<\/devices>/, "<disk type='file' device='disk'><driver name='qemu' type='raw' cache='none'/><source file='/nonexistent/disk.img'/><target dev='vdb' bus='virtio'/></disk></devices>");
    await expect(dom.migrate3(b.conn, [typedString(MP.DEST_XML, bad)], MF.LIVE)).rejects.toThrow();
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    expect(b.root.statuses()).toEqual([]);
    await dom.destroy();
  });

  it('the shared-disk table: a shareable disk is added on the destination and removed from the source', async () => {
    if (qemuMissing()) return;
    const loop = a.root.loop();
    const dom = await a.conn.createXML(domainXml('mig8', sharedDisk(loop, 'sda')));
    expect((await a.conn.listSharedDisks()).map((e) => [e.key, e.domains])).toEqual([[majMin(loop), ['mig8']]]);
    const there = await dom.migrate3(b.conn, [], MF.LIVE);
    expect(await a.conn.listSharedDisks()).toEqual([]);
    expect((await b.conn.listSharedDisks()).map((e) => [e.key, e.domains])).toEqual([[majMin(loop), ['mig8']]]);
    await there.destroy();
    expect(await b.conn.listSharedDisks()).toEqual([]);
  });

  it("refuses in libvirt's words: the same host, unsafe storage, copying onto itself, a name in use there, tunnelled", async () => {
    if (qemuMissing()) return;
    const file = join(a.root.dir, 'local.img');
    writeFileSync(file, Buffer.alloc(1024 * 1024));
    const disk = (cache: string) => `<disk type='file' device='disk'><driver name='qemu' type='raw'${cache}/><source file='${file}'/><target dev='vda' bus='virtio'/></disk>`;
    const dom = await a.conn.createXML(domainXml('mig9'));
    const host = readFileSync(join(a.root.dir, 'etc', 'qemu', 'host-uuid'), 'utf8').trim();
    await expect(dom.migrate3(a.conn, [], MF.LIVE)).rejects.toMatchObject({
      code: ErrorCode.INTERNAL_ERROR, message: `internal error: Attempt to migrate guest to the same host ${host}`,
    });
    await expect(dom.migrate3(b.conn, [], MF.LIVE | MF.TUNNELLED)).rejects.toMatchObject({
      message: 'Requested operation is not valid: cannot perform tunnelled migration without using peer2peer flag',
    });
    const other = await b.conn.createXML(domainXml('mig9'));
    await expect(dom.migrate3(b.conn, [], MF.LIVE)).rejects.toMatchObject({ message: expect.stringMatching(/^operation failed: domain 'mig9' already exists with uuid /) });
    await other.destroy();
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    await dom.destroy();
    // libvirtd 9.0 with QEMU 7.2: a local file is unsafe whatever its cache; the cache mode alone never is
    const unsafe = await a.conn.createXML(domainXml('mig10', disk('')));
    await expect(unsafe.migrate3(b.conn, [], MF.LIVE)).rejects.toMatchObject({
      code: ErrorCode.MIGRATE_UNSAFE, message: 'Unsafe migration: Migration without shared storage is unsafe',
    });
    await unsafe.destroy();
    const local = await a.conn.createXML(domainXml('mig11', disk(" cache='none'")));
    await expect(local.migrate3(b.conn, [], MF.LIVE)).rejects.toMatchObject({ message: 'Unsafe migration: Migration without shared storage is unsafe' });
    // copying onto the very file the source runs from (one machine, the same path) fails in QEMU and is rolled back
    await expect(local.migrate3(b.conn, [], MF.LIVE | MF.NON_SHARED_DISK)).rejects.toMatchObject({
      code: ErrorCode.INTERNAL_ERROR, message: "internal error: unable to execute QEMU command 'block-export-add': Block node is read-only",
    });
    expect(b.root.statuses()).toEqual([]);
    // --unsafe: the caller vouches for the storage (here both roots do see the same file)
    const there = await local.migrate3(b.conn, [], MF.LIVE | MF.UNSAFE);
    expect(await there.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.MIGRATED]);
    await there.destroy();
    // a block device with a writeback cache goes without --unsafe, as libvirtd 9.0 lets it go with QEMU 7.2
    const blockDisk = `<disk type='block' device='disk'><driver name='qemu' type='raw' cache='writeback'/><source dev='${a.root.loop()}'/><target dev='vda' bus='virtio'/></disk>`;
    const moved = await (await a.conn.createXML(domainXml('mig12', blockDisk))).migrate3(b.conn, [], MF.LIVE);
    await moved.destroy();
    expect(a.root.statuses().map((x) => x['name'])).toEqual([]);
    expect(b.root.statuses().map((x) => x['name'])).toEqual([]);
  });
});
