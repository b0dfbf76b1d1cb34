import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  addDriverImporter, DomainMigrateFlags as MF, DomainMigrateParam as MP, DomainRunningReason, DomainState, ErrorCode, typedString, typedULLong,
  type Connection, type Domain, type TypedParameter,
} from '@tsvirt/api';
import { alive, domainXml, majMin, sharedDisk, useTestRoot, type TestRoot } from './helpers.js';
import { qemuMissing } from './qemu-run.js';
import { tsvirsh } from './tsvirsh.js';
import { pidIn, untilSending } from './migrate-helpers.js';

// Prepare makes missing images through the storage driver's public API, as libvirt does: this
// package does not depend on it, so the tests load the workspace's built secondary-storage.
const STORAGE = pathToFileURL(join(import.meta.dirname, '../../secondary-storage/dist/bundle/index.js')).href;
addDriverImporter(async (s) => (s === '@tsvirt/secondary-storage' ? import(STORAGE) : undefined));

const a = useTestRoot();
const b = useTestRoot();

const MIB = 1024 * 1024;
const img = (...args: string[]): string => execFileSync('qemu-img', args, { encoding: 'utf8' });

/** The images directory of a root, made on first use. */
function images(root: TestRoot): string {
  const dir = join(root.dir, 'images');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A dir pool `images` over the root's images directory, started (where Prepare makes missing images). */
async function imagesPool(root: TestRoot, conn: Connection): Promise<void> {
  if ((await conn.listAllStoragePools()).some((p) => p.getName() === 'images')) return;
  const pool = await conn.storagePoolDefineXML(`<pool type='dir'><name>images</name><target><path>${images(root)}</path></target></pool>`);
  await pool.create();
}

/** A qcow2 image of `sizeMiB` with `pattern` written over its first `dataMiB` (qemu-io, as a guest would have). */
function qcow2(path: string, sizeMiB: number, pattern: number, dataMiB: number, backing?: string): string {
  img('create', '-q', '-f', 'qcow2', ...(backing ? ['-b', backing, '-F', 'qcow2'] : []), path, `${sizeMiB}M`);
  if (dataMiB > 0) execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${pattern} 0 ${dataMiB}M`, path]);
  return path;
}

const fileDisk = (path: string, target: string, extra = ''): string =>
  `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${path}'/><target dev='${target}' bus='${target.startsWith('vd') ? 'virtio' : 'scsi'}'/>${extra}</disk>`;

/** The guest definition on the destination: the same, its disk images under the destination root. */
const destXml = (name: string, devices: string): TypedParameter => typedString(MP.DEST_XML, domainXml(name, devices));

/** A write through the running guest's block layer (HMP qemu-io on the disk's device: a SCSI disk, whose device holds its backend). */
async function guestWrite(dom: Domain, alias: string, pattern: number, offsetMiB: number, lenMiB: number): Promise<void> {
  const out = await dom.qemuMonitorCommand(`qemu-io -d ${alias} "write -P ${pattern} ${offsetMiB}M ${lenMiB}M"`, 1);
  expect(out).not.toMatch(/error/i);
}

/** QEMU's block nodes and jobs of a running domain (through the monitor). */
async function blockState(dom: Domain): Promise<{ nodes: string[]; jobs: unknown[] }> {
  const nodes = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-named-block-nodes","arguments":{"flat":true}}', 0)) as { return: Array<{ 'node-name': string }> };
  const jobs = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-block-jobs"}', 0)) as { return: unknown[] };
  return { nodes: nodes.return.map((n) => n['node-name']), jobs: jobs.return };
}

describe('storage migration (--copy-storage-all/-inc) between two embed roots, QEMU under TCG', () => {
  it('copy-storage-all: the missing image is made on the destination and holds what the guest wrote', async () => {
    if (qemuMissing()) return;
    await imagesPool(b.root, b.conn);
    const src = qcow2(join(images(a.root), 'st1.qcow2'), 64, 0xab, 8);
    const dst = join(images(b.root), 'st1.qcow2');
    const dom = await a.conn.createXML(domainXml('st1', fileDisk(src, 'sda')));
    const pid = pidIn(a.root, 'st1');
    // written by the running guest, after start: the mirror must carry it
    await guestWrite(dom, 'scsi0-0-0-0', 0xcd, 20, 2);
    const there = await dom.migrate3(b.conn, [destXml('st1', fileDisk(dst, 'sda'))], MF.LIVE | MF.NON_SHARED_DISK);
    expect(await there.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.MIGRATED]);
    expect(alive(pid)).toBe(false);
    expect(a.root.statuses()).toEqual([]);
    // the completed job handed over counts the memory only, its disk fields zero (libvirt 9.0's)
    const done = (await there.getJobStats(1)).params;
    const stat = (f: string): bigint => done.find((p) => p.field === f)?.value as bigint;
    expect([stat('operation'), stat('disk_total'), stat('disk_processed'), stat('disk_remaining')]).toEqual([4, 0n, 0n, 0n]);
    expect(done.map((p) => p.field).slice(0, 5)).toEqual(['operation', 'time_elapsed', 'downtime', 'setup_time', 'data_total']);
    expect(stat('data_total')).toBe(stat('memory_total'));
    // the image libvirt would have made: the source's format and size
    const info = JSON.parse(img('info', '-U', '--output=json', dst)) as { format: string; 'virtual-size': number };
    expect([info.format, info['virtual-size']]).toEqual(['qcow2', 64 * MIB]);
    // the destination's NBD server is gone, and the guest writes to its own image
    expect(JSON.parse(await there.qemuMonitorCommand('{"execute":"query-block-exports"}', 0))).toMatchObject({ return: [] });
    await there.destroy();
    expect(img('compare', '-f', 'qcow2', '-F', 'qcow2', src, dst)).toContain('Images are identical');
    // what the guest wrote while running, and what was there before it started
    execFileSync('qemu-io', ['-r', '-f', 'qcow2', '-c', 'read -P 0xcd 20M 2M', '-c', 'read -P 0xab 0 8M', dst]);
  });

  it('a volume disk: the same definition on both sides, the volume made in the destination\'s pool of that name', async () => {
    if (qemuMissing()) return;
    await imagesPool(a.root, a.conn);
    await imagesPool(b.root, b.conn);
    const src = qcow2(join(images(a.root), 'st8.qcow2'), 16, 0x2d, 3);
    await (await a.conn.storagePoolLookupByName('images')).refresh();
    const disk = "<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='images' volume='st8.qcow2'/><target dev='vda' bus='virtio'/></disk>";
    const dom = await a.conn.createXML(domainXml('st8', disk));
    const there = await dom.migrate3(b.conn, [], MF.LIVE | MF.NON_SHARED_DISK);
    const vol = await (await b.conn.storagePoolLookupByName('images')).storageVolLookupByName('st8.qcow2');
    const dst = await vol.getPath();
    expect(dst).toBe(join(images(b.root), 'st8.qcow2'));
    await there.destroy();
    expect(img('compare', '-f', 'qcow2', '-F', 'qcow2', src, dst)).toContain('Images are identical');
  });

  it('--disks-uri unix:///PATH: the NBD server listens on a UNIX socket, which the source reaches', async () => {
    if (qemuMissing()) return;
    await imagesPool(b.root, b.conn);
    const src = qcow2(join(images(a.root), 'st10.qcow2'), 16, 0x19, 4);
    const dst = join(images(b.root), 'st10.qcow2');
    const socket = join(b.root.dir, 'nbd-st10.sock');
    const dom = await a.conn.createXML(domainXml('st10', fileDisk(src, 'vda')));
    const there = await dom.migrate3(b.conn, [destXml('st10', fileDisk(dst, 'vda')), typedString(MP.DISKS_URI, `unix://${socket}`)], MF.LIVE | MF.NON_SHARED_DISK);
    await there.destroy();
    expect(img('compare', '-f', 'qcow2', '-F', 'qcow2', src, dst)).toContain('Images are identical');
  });

  it('copy-storage-inc: only the top image is copied onto a destination overlay over the same base', async () => {
    if (qemuMissing()) return;
    const base = qcow2(join(images(a.root), 'base2.qcow2'), 32, 0x11, 16);
    const top = qcow2(join(images(a.root), 'st2.qcow2'), 32, 0x22, 0, base);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x22 4M 1M', top]);
    // the destination's overlay over the same base, as --copy-storage-inc requires
    const dst = qcow2(join(images(b.root), 'st2.qcow2'), 32, 0, 0, base);
    const dom = await a.conn.createXML(domainXml('st2', fileDisk(top, 'sda')));
    await guestWrite(dom, 'scsi0-0-0-0', 0x33, 8, 1);
    const there = await dom.migrate3(b.conn, [destXml('st2', fileDisk(dst, 'sda'))], MF.LIVE | MF.NON_SHARED_INC);
    await there.destroy();
    expect(img('compare', '-f', 'qcow2', '-F', 'qcow2', top, dst)).toContain('Images are identical');
    // only the top's clusters were written into the destination overlay
    const map = JSON.parse(img('map', '--output=json', '-f', 'qcow2', dst)) as Array<{ depth: number; data: boolean; start: number }>;
    expect(map.filter((m) => m.depth === 0 && m.data).every((m) => m.start >= 4 * MIB && m.start < 9 * MIB)).toBe(true);
  });

  it('--migrate-disks copies the disks named; a shareable disk stays shared, in both roots\' tables', async () => {
    if (qemuMissing()) return;
    await imagesPool(b.root, b.conn);
    const loop = a.root.loop();
    const vda = qcow2(join(images(a.root), 'st3a.qcow2'), 16, 0x44, 2);
    const vdb = qcow2(join(images(a.root), 'st3b.qcow2'), 16, 0x55, 2);
    const dvda = join(images(b.root), 'st3a.qcow2');
    const dvdb = join(images(b.root), 'st3b.qcow2');
    const devs = (x: string, y: string): string => fileDisk(x, 'vda') + fileDisk(y, 'vdb', "<readonly/>") + sharedDisk(loop, 'sda', '').replace('<shareable/>', "<shareable/>");
    const dom = await a.conn.createXML(domainXml('st3', devs(vda, vdb)));
    expect((await a.conn.listSharedDisks()).map((e) => [e.key, e.domains])).toEqual([[majMin(loop), ['st3']]]);
    // vdb is read-only: named for copying, it is refused as libvirt refuses it
    await expect(dom.migrate3(b.conn, [destXml('st3', devs(dvda, vdb)), typedString(MP.MIGRATE_DISKS, 'vda'), typedString(MP.MIGRATE_DISKS, 'vdb')], MF.LIVE | MF.NON_SHARED_DISK))
      .rejects.toMatchObject({ code: ErrorCode.OPERATION_UNSUPPORTED, message: expect.stringContaining('Cannot migrate empty or read-only disk vdb') });
    expect(b.root.statuses()).toEqual([]);
    expect(existsSync(dvda)).toBe(false);
    expect(await dom.getState()).toEqual([DomainState.RUNNING, expect.any(Number)]);
    const there = await dom.migrate3(b.conn, [destXml('st3', devs(dvda, vdb)), typedString(MP.MIGRATE_DISKS, 'vda')], MF.LIVE | MF.NON_SHARED_DISK);
    expect((await a.conn.listSharedDisks())).toEqual([]);
    expect((await b.conn.listSharedDisks()).map((e) => [e.key, e.domains])).toEqual([[majMin(loop), ['st3']]]);
    expect(existsSync(dvdb)).toBe(false);
    await there.destroy();
    expect(await b.conn.listSharedDisks()).toEqual([]);
    expect(img('compare', '-f', 'qcow2', '-F', 'qcow2', vda, dvda)).toContain('Images are identical');
  });

  it('domjobabort during the disk copy rolls both sides back: mirrors, NBD nodes, the made image, the QEMU', async () => {
    if (qemuMissing()) return;
    await imagesPool(b.root, b.conn);
    const src = qcow2(join(images(a.root), 'st4.qcow2'), 64, 0x66, 32);
    const dst = join(images(b.root), 'st4.qcow2');
    const dom = await a.conn.createXML(domainXml('st4', fileDisk(src, 'vda')));
    const before = await blockState(dom);
    // 1 MiB/s: 32 MiB of data take about 30 s to copy, time to abort mid-way
    const migrating = dom.migrate3(b.conn, [destXml('st4', fileDisk(dst, 'vda')), typedULLong(MP.BANDWIDTH, 1n)], MF.LIVE | MF.NON_SHARED_DISK);
    migrating.catch(() => undefined);
    await untilSending(dom);
    // while the disk is copied: its bytes as the data and disk fields, and as domjobinfo's file bytes (libvirt's)
    const stats = (await dom.getJobStats(0)).params;
    const stat = (f: string): bigint => stats.find((p) => p.field === f)?.value as bigint;
    expect([stat('operation'), stat('disk_total'), stat('data_total')]).toEqual([5, BigInt(64 * MIB), BigInt(64 * MIB)]);
    const info = await dom.getJobInfo();
    expect([info.fileTotal, info.dataTotal]).toEqual([BigInt(64 * MIB), BigInt(64 * MIB)]);
    expect(existsSync(dst)).toBe(true);
    const destPid = pidIn(b.root, 'st4');
    await dom.abortJob();
    await expect(migrating).rejects.toMatchObject({ code: ErrorCode.OPERATION_ABORTED, message: 'operation aborted: migration out: canceled by client' });
    expect(await dom.getState()).toEqual([DomainState.RUNNING, expect.any(Number)]);
    expect(await blockState(dom)).toEqual(before);
    expect(alive(destPid)).toBe(false);
    expect(b.root.statuses()).toEqual([]);
    expect(existsSync(dst)).toBe(false);
    expect(readdirSync(join(b.root.dir, 'run', 'qemu')).filter((f) => f.startsWith('domain-'))).toEqual([]);
    await dom.destroy();
  });

  it('domjobabort while the memory is sent (the mirrors ready) cancels the migration and drops the mirrors', async () => {
    if (qemuMissing()) return;
    await imagesPool(b.root, b.conn);
    const src = qcow2(join(images(a.root), 'st9.qcow2'), 8, 0x4e, 1);
    const dst = join(images(b.root), 'st9.qcow2');
    // 4 GiB of (untouched) memory at 1 MiB/s: about ten seconds of sending after the small disk is mirrored
    const big = (disk: string): string => domainXml('st9', fileDisk(disk, 'vda')).replace("<memory unit='MiB'>64</memory>", "<memory unit='MiB'>4096</memory>");
    const dom = await a.conn.createXML(big(src));
    const before = await blockState(dom);
    const migrating = dom.migrate3(b.conn, [typedString(MP.DEST_XML, big(dst)), typedULLong(MP.BANDWIDTH, 1n)], MF.LIVE | MF.NON_SHARED_DISK);
    migrating.catch(() => undefined);
    const memorySent = async (): Promise<boolean> => ((await dom.getJobStats(0)).params.find((p) => p.field === 'memory_processed')?.value ?? 0n) as bigint > 0n;
    for (let i = 0; i < 600 && !(await memorySent()); i++) await new Promise((r) => setTimeout(r, 25));
    // the disk is mirrored (its copy caught up) while the memory goes; QEMU's monitor is the migration's until it ends
    const stats = (await dom.getJobStats(0)).params;
    const stat = (f: string): bigint => stats.find((p) => p.field === f)?.value as bigint;
    expect([stat('disk_total'), stat('disk_remaining')]).toEqual([BigInt(8 * MIB), 0n]);
    expect(stat('memory_processed')).toBeGreaterThan(0n);
    await dom.abortJob();
    await expect(migrating).rejects.toMatchObject({ code: ErrorCode.OPERATION_ABORTED, message: "operation aborted: job 'migration out' canceled by client" });
    expect(await dom.getState()).toEqual([DomainState.RUNNING, expect.any(Number)]);
    expect(await blockState(dom)).toEqual(before);
    expect(b.root.statuses()).toEqual([]);
    expect(existsSync(dst)).toBe(false);
    await dom.destroy();
  });

  it('peer to peer: a destination QEMU killed during the copy fails the mirror; both sides roll back', async () => {
    if (qemuMissing()) return;
    await imagesPool(b.root, b.conn);
    const src = qcow2(join(images(a.root), 'st7.qcow2'), 64, 0x3c, 48);
    const dst = join(images(b.root), 'st7.qcow2');
    const dom = await a.conn.createXML(domainXml('st7', fileDisk(src, 'vda')));
    const before = await blockState(dom);
    // 4 MiB/s: 48 MiB take seconds; QEMU's rate limit also sets how long the failed mirror takes to end
    const migrating = dom.migrateToURI3(b.root.uri, [destXml('st7', fileDisk(dst, 'vda')), typedULLong(MP.BANDWIDTH, 4n)], MF.LIVE | MF.PEER2PEER | MF.NON_SHARED_DISK);
    migrating.catch(() => undefined);
    await untilSending(dom);
    process.kill(pidIn(b.root, 'st7'), 'SIGKILL');
    await expect(migrating).rejects.toMatchObject({ code: ErrorCode.OPERATION_FAILED, message: expect.stringMatching(/^operation failed: migration of disk vda failed/) });
    expect(await dom.getState()).toEqual([DomainState.RUNNING, expect.any(Number)]);
    expect(await blockState(dom)).toEqual(before);
    expect(b.root.statuses()).toEqual([]);
    expect(existsSync(dst)).toBe(false);
    await dom.destroy();
  });

  it('refuses in libvirt\'s words', async () => {
    if (qemuMissing()) return;
    const src = qcow2(join(images(a.root), 'st5.qcow2'), 16, 0x77, 1);
    const dom = await a.conn.createXML(domainXml('st5', fileDisk(src, 'vda')));
    const nopool = join(b.root.dir, 'elsewhere', 'st5.qcow2');
    const refuse = (params: TypedParameter[], flags: number) => dom.migrate3(b.conn, params, flags);
    await expect(refuse([typedString(MP.MIGRATE_DISKS, 'vdz')], MF.LIVE | MF.NON_SHARED_DISK | MF.UNSAFE))
      .rejects.toMatchObject({ code: ErrorCode.INVALID_ARG, message: 'invalid argument: disk target vdz not found' });
    await expect(refuse([], MF.OFFLINE | MF.PERSIST_DEST | MF.NON_SHARED_DISK))
      .rejects.toMatchObject({ code: ErrorCode.OPERATION_INVALID, message: 'Requested operation is not valid: offline migration cannot handle non-shared storage' });
    await expect(dom.migrateToURI3(b.root.uri, [], MF.LIVE | MF.PEER2PEER | MF.TUNNELLED | MF.NON_SHARED_DISK))
      .rejects.toMatchObject({ code: ErrorCode.OPERATION_UNSUPPORTED, message: expect.stringContaining('migration of non-shared storage is not supported with tunnelled migration and this QEMU') });
    await expect(refuse([destXml('st5', fileDisk(nopool, 'vda'))], MF.LIVE | MF.NON_SHARED_DISK))
      .rejects.toMatchObject({ code: ErrorCode.NO_STORAGE_POOL, message: expect.stringContaining(`no storage pool with matching target path '${join(b.root.dir, 'elsewhere')}'`) });
    await expect(refuse([destXml('st5', fileDisk(nopool, 'vda'))], MF.LIVE | MF.NON_SHARED_INC))
      .rejects.toMatchObject({ code: ErrorCode.OPERATION_UNSUPPORTED, message: expect.stringContaining('pre-creation of storage targets for incremental storage migration is not supported') });
    // without copying, the unshared disk is unsafe as before
    await expect(refuse([], MF.LIVE)).rejects.toMatchObject({ code: ErrorCode.MIGRATE_UNSAFE });
    await expect(refuse([typedString(MP.DISKS_URI, 'ftp://x')], MF.LIVE | MF.NON_SHARED_DISK))
      .rejects.toMatchObject({ code: ErrorCode.INVALID_ARG });
    await expect(refuse([], MF.LIVE | MF.UNSAFE | MF.NON_SHARED_SYNCHRONOUS_WRITES)).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARG, message: "Flag 'VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC' is required by flag 'VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES'",
    });
    await expect(refuse([typedString(MP.DISKS_URI, 'tcp://:1234')], MF.LIVE | MF.NON_SHARED_DISK))
      .rejects.toMatchObject({ message: 'invalid argument: URI with tcp scheme did not provide a server part: tcp://:1234' });
    expect(b.root.statuses()).toEqual([]);
    expect(await dom.getState()).toEqual([DomainState.RUNNING, expect.any(Number)]);
    await dom.destroy();
  });

  it('tsvirsh migrate --copy-storage-all --verbose --copy-storage-synchronous-writes --disks-port, and its refusals', async () => {
    if (qemuMissing()) return;
    await imagesPool(b.root, b.conn);
    const src = qcow2(join(images(a.root), 'st6.qcow2'), 32, 0x5a, 4);
    const dst = join(images(b.root), 'st6.qcow2');
    const def = join(a.root.dir, 'st6.xml');
    const dest = join(a.root.dir, 'st6-dest.xml');
    writeFileSync(def, domainXml('st6', fileDisk(src, 'sda')));
    expect((await tsvirsh(a.root.uri, 'create', def)).code).toBe(0);
    const uuid = (await tsvirsh(a.root.uri, 'domuuid', 'st6')).stdout.trim();
    writeFileSync(dest, domainXml('st6', fileDisk(dst, 'sda')).replace('<name>st6</name>', `<name>st6</name><uuid>${uuid}</uuid>`));
    expect(await tsvirsh(a.root.uri, 'migrate', '--live', '--copy-storage-synchronous-writes', '--unsafe', 'st6', b.root.uri)).toMatchObject({
      code: 1, stderr: "error: '--copy-storage-synchronous-writes' requires one of '--copy-storage-all', 'copy-storage-inc'\n",
    });
    // as virsh 9.0 on libvirtd: a disk left out is unsafe before the unknown target is named
    expect(await tsvirsh(a.root.uri, 'migrate', '--live', '--copy-storage-all', '--migrate-disks', 'sdq', 'st6', b.root.uri)).toMatchObject({
      code: 1, stderr: 'error: Unsafe migration: Migration without shared storage is unsafe\n',
    });
    expect(await tsvirsh(a.root.uri, 'migrate', '--live', '--copy-storage-all', '--migrate-disks', 'sdq', '--unsafe', 'st6', b.root.uri)).toMatchObject({
      code: 1, stderr: 'error: invalid argument: disk target sdq not found\n',
    });
    const r = await tsvirsh(a.root.uri, 'migrate', '--live', '--verbose', '--copy-storage-all', '--copy-storage-synchronous-writes',
      '--disks-port', '49230', '--xml', dest, 'st6', b.root.uri);
    expect(r).toMatchObject({ code: 0, stdout: '\n' });
    expect(r.stderr).toMatch(/^(\rMigration: \[ {0,2}\d{1,3} %\])*\rMigration: \[100 %\]$/);
    expect((await tsvirsh(b.root.uri, 'domstate', '--reason', 'st6')).stdout).toBe('running (migrated)\n\n');
    expect((await tsvirsh(b.root.uri, 'domblklist', 'st6')).stdout).toContain(dst);
    expect((await tsvirsh(b.root.uri, 'destroy', 'st6')).code).toBe(0);
    expect(img('compare', '-f', 'qcow2', '-F', 'qcow2', src, dst)).toContain('Images are identical');
  });
});
