import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ErrorCode, StoragePoolBuildFlags, StorageVolResizeFlags, StorageVolType } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { embedRootForFile, loopDeviceOrSkip, removeLoopDevice, volXML } from './helpers.js';

const MiB = 1024 * 1024;
const root = embedRootForFile();
const diskPoolXML = (name: string, device: string, format = 'dos'): string =>
  `<pool type='disk'><name>${name}</name><source><device path='${device}'/><format type='${format}'/></source><target><path>/dev</path></target></pool>`;
const blkid = (dev: string): string => execFileSync('blkid', ['-p', '-o', 'value', '-s', 'PTTYPE', dev], { encoding: 'utf8' }).trim();

describe('disk pools: a partition table on a loop device, partitions as volumes', { timeout: 60_000 }, () => {
  it('build, start, create and delete partitions, with libvirt\'s checks of the label', async (ctx) => {
    const loop = loopDeviceOrSkip(ctx, root().root, 'disk.img', 64 * MiB);
    if (!loop) return;
    const conn = root().conn;
    const p = (n: number): string => `${basename(loop)}p${n}`;
    try {
      const pool = await conn.storagePoolDefineXML(diskPoolXML('disk', loop));
      const bare = await virErrorOf(pool.create());
      expect([bare.code, bare.message]).toEqual([ErrorCode.STORAGE_PROBE_FAILED, `Storage pool probe failed: Device '${loop}' is unrecognized, requires build`]);
      await pool.build();
      expect(blkid(loop)).toBe('dos');
      const again = await virErrorOf(pool.build());
      expect([again.code, again.message]).toEqual([ErrorCode.STORAGE_POOL_BUILT, `Storage pool already built: Device '${loop}' already formatted using 'dos'`]);
      await pool.build(StoragePoolBuildFlags.OVERWRITE);

      const gpt = await conn.storagePoolCreateXML(diskPoolXML('gpt', loop, 'gpt')).catch((e: Error) => e);
      expect((gpt as Error).message).toBe(`operation failed: Storage source conflict with pool: 'disk'`);

      await pool.create();
      const info = await pool.getInfo();
      expect([info.capacity, info.allocation]).toEqual([BigInt(64 * MiB), 0n]);
      expect(await pool.listVolumes()).toEqual([]);

      const wrong = await virErrorOf(pool.createXML(volXML('part', 16 * MiB)));
      expect([wrong.code, wrong.message]).toEqual([ErrorCode.INVALID_ARG, `invalid argument: invalid partition name 'part', expected '${p(1)}'`]);
      const big = await virErrorOf(pool.createXML(volXML(p(1), 128 * MiB)));
      expect([big.code, big.message]).toEqual([ErrorCode.INTERNAL_ERROR, 'internal error: no large enough free extent']);

      const v1 = await pool.createXML(volXML(p(1), 16 * MiB, "<format type='linux'/>"));
      const v2 = await pool.createXML(volXML(p(2), 8 * MiB));
      expect(await pool.listVolumes()).toEqual([p(1), p(2)]);
      expect([v1.getKey(), await v1.getPath()]).toEqual([`${loop}p1`, `${loop}p1`]);
      expect(await v1.getInfo()).toEqual({ type: StorageVolType.BLOCK, capacity: BigInt(16 * MiB), allocation: BigInt(16 * MiB) });
      // The format shown is what the partition holds, as parted probes it.
      expect(await v1.getXMLDesc()).toContain(`<path>${loop}p1</path>\n    <format type='none'/>`);
      execFileSync('mkfs.ext4', ['-q', `${loop}p1`]);
      expect(await v1.getXMLDesc()).toContain(`<path>${loop}p1</path>\n    <format type='linux'/>`);
      expect(await v2.getXMLDesc()).toContain("<format type='none'/>");
      expect((await pool.getInfo()).allocation).toBe(BigInt(24 * MiB));
      expect((await conn.storageVolLookupByPath(`${loop}p2`)).getName()).toBe(p(2));

      await v2.upload(Readable.from([Buffer.from('on a partition')]));
      const chunks: Buffer[] = [];
      for await (const c of await v2.download(0n, 14n)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('on a partition');

      // Partitions grow into the free space after them (parted resizepart), never past the next one.
      const stuck = await virErrorOf(v1.resize(BigInt(32 * MiB)));
      expect([stuck.code, stuck.message]).toEqual([ErrorCode.OPERATION_FAILED,
        `operation failed: cannot grow partition '${p(1)}' to ${32 * MiB} bytes: only ${16 * MiB} bytes up to the next partition or the end of the disk`]);
      await v2.resize(BigInt(12 * MiB) + 1n);
      expect(await v2.getInfo()).toEqual({ type: StorageVolType.BLOCK, capacity: BigInt(12 * MiB + 512), allocation: BigInt(12 * MiB + 512) });
      expect(execFileSync('blockdev', ['--getsize64', `${loop}p2`], { encoding: 'utf8' }).trim()).toBe(String(12 * MiB + 512));
      const kept: Buffer[] = [];
      for await (const c of await v2.download(0n, 14n)) kept.push(c as Buffer);
      expect(Buffer.concat(kept).toString()).toBe('on a partition');
      const shrink = await virErrorOf(v2.resize(BigInt(4 * MiB), StorageVolResizeFlags.SHRINK));
      expect([shrink.code, shrink.message]).toEqual([ErrorCode.INVALID_ARG, "invalid argument: can't shrink capacity below existing allocation"]);
      const past = await virErrorOf(v2.resize(BigInt(64 * MiB)));
      expect(past.code).toBe(ErrorCode.OPERATION_FAILED);
      await v1.delete();
      expect(existsSync(`${loop}p1`)).toBe(false);
      expect(await pool.listVolumes()).toEqual([p(2)]);
      // The freed first slot is the next partition's.
      const wrong2 = await virErrorOf(pool.createXML(volXML(p(3), MiB)));
      expect(wrong2.message).toBe(`invalid argument: invalid partition name '${p(3)}', expected '${p(1)}'`);

      await pool.destroy();
      const del = await virErrorOf(pool.delete());
      expect([del.code, del.message]).toEqual([ErrorCode.NO_SUPPORT, 'this function is not supported by the connection driver: pool does not support pool deletion']);
      await pool.undefine();
      const other = await conn.storagePoolDefineXML(diskPoolXML('gpt', loop, 'gpt'));
      const mismatch = await virErrorOf(other.create());
      expect([mismatch.code, mismatch.message]).toEqual([
        ErrorCode.STORAGE_POOL_BUILT, `Storage pool already built: Format of device '${loop}' does not match the expected format 'gpt'`]);
      await other.undefine();
    } finally {
      removeLoopDevice(loop);
    }
  });
});
