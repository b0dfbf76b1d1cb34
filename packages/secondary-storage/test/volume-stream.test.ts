import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode, ErrorDomain, StorageVolStreamFlags, StreamHole, isStreamHole, type StoragePool, type StorageVol, type StreamChunk,
} from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { fileRangeOf, withFileRange } from '@tsvirt/util';
import { dirPoolXML, embedRootForFile, loopDeviceOrSkip, removeLoopDevice, volXML } from './helpers.js';

const MiB = 1024 * 1024;
const SPARSE = StorageVolStreamFlags.SPARSE_STREAM;
const root = embedRootForFile();
let pool: StoragePool;
let dir: string;

beforeAll(async () => {
  dir = root().dir('streams');
  pool = await root().conn.storagePoolCreateXML(dirPoolXML('streams', dir), 1);
}, 30_000);

/** Non-zero bytes in a period no block size divides. */
const PATTERN = Buffer.from(Array.from({ length: 251 }, (_, i) => i + 1));

/** Writes a file of `size` bytes that is a hole except for `data` runs of a non-zero pattern. */
function sparseFile(path: string, size: number, data: Array<[number, number]>): Buffer {
  const content = Buffer.alloc(size);
  writeFileSync(path, '');
  truncateSync(path, size);
  const fd = openSync(path, 'r+');
  for (const [at, len] of data) {
    const bytes = Buffer.alloc(len, PATTERN);
    writeSync(fd, bytes, 0, len, at);
    bytes.copy(content, at);
  }
  closeSync(fd);
  return content;
}

/** Everything a download yields: the content it stands for, and how many data bytes and holes carried it. */
async function drain(stream: AsyncIterable<StreamChunk>): Promise<{ bytes: Buffer; data: number; holes: number }> {
  const parts: Buffer[] = [];
  let data = 0;
  let holes = 0;
  for await (const chunk of stream) {
    if (isStreamHole(chunk)) {
      holes++;
      parts.push(Buffer.alloc(Number(chunk.length)));
    } else {
      data += chunk.length;
      parts.push(Buffer.from(chunk));
    }
  }
  return { bytes: Buffer.concat(parts), data, holes };
}

const chunksOf = (...items: StreamChunk[]): AsyncIterable<StreamChunk> => Readable.from(items, { objectMode: true });
const allocated = (path: string): number => statSync(path).blocks * 512;

async function newVol(name: string, capacity: number, extra = ''): Promise<StorageVol> {
  return pool.createXML(volXML(name, capacity, '', extra));
}

describe('volume download and upload (streams)', { timeout: 60_000 }, () => {
  const layout: Array<[number, number]> = [[0, MiB], [3 * MiB, MiB / 2], [5 * MiB + 4096, 4096], [8 * MiB - 100, 100]];

  it('download: all bytes, or data and holes with SPARSE_STREAM; offset and length', async () => {
    const content = sparseFile(join(dir, 'src.raw'), 8 * MiB, layout);
    const vol = await pool.storageVolLookupByName('src.raw');

    const plain = await drain(await vol.download());
    expect(plain.bytes.equals(content)).toBe(true);
    expect([plain.data, plain.holes]).toEqual([8 * MiB, 0]);

    const sparse = await drain(await vol.download(0n, 0n, SPARSE));
    expect(sparse.bytes.equals(content)).toBe(true);
    // Holes at block granularity: the data blocks travel, the rest is 4 holes.
    expect(sparse.data).toBe(MiB + MiB / 2 + 4096 + 4096);
    expect(sparse.holes).toBe(3);

    for (const [offset, length] of [[MiB - 10, 100], [3 * MiB, 0], [0, 1], [8 * MiB - 1, 50], [9 * MiB, 0]] as const) {
      const part = await drain(await vol.download(BigInt(offset), BigInt(length), SPARSE));
      expect(part.bytes.equals(content.subarray(offset, length ? offset + length : undefined))).toBe(true);
    }
    const flag = await virErrorOf(vol.download(0n, 0n, 2));
    expect([flag.code, flag.domain, flag.message]).toEqual([
      ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, 'unsupported flags (0x2) in function storageVolDownload']);
  });

  it('upload: plain and sparse into a new raw volume, holes kept as holes', async () => {
    const src = await pool.storageVolLookupByName('src.raw');
    const content = readFileSync(join(dir, 'src.raw'));
    const plain = await newVol('plain.raw', 8 * MiB);
    await plain.upload(await src.download());
    expect(readFileSync(join(dir, 'plain.raw')).equals(content)).toBe(true);

    const sparse = await newVol('sparse.raw', 0);
    await sparse.upload(await src.download(0n, 0n, SPARSE), 0n, 0n, SPARSE);
    expect(readFileSync(join(dir, 'sparse.raw')).equals(content)).toBe(true);
    expect(allocated(join(dir, 'sparse.raw'))).toBeLessThanOrEqual(3 * MiB);
    // A trailing hole extends the file.
    const tail = await newVol('tail.raw', 0);
    await tail.upload(chunksOf(Buffer.from('abc'), new StreamHole(BigInt(MiB))), 0n, 0n, SPARSE);
    expect(statSync(join(dir, 'tail.raw')).size).toBe(MiB + 3);
    expect(allocated(join(dir, 'tail.raw'))).toBeLessThanOrEqual(8192);

    // A plain Node stream of a file's bytes works as well.
    const fromFile = await newVol('fromfile.raw', 0);
    await fromFile.upload(Readable.from([readFileSync(join(dir, 'src.raw'))]), BigInt(MiB));
    const up = readFileSync(join(dir, 'fromfile.raw'));
    expect([up.length, up.subarray(0, MiB).every((b) => b === 0), up.subarray(MiB).equals(content)]).toEqual([9 * MiB, true, true]);
  });

  it('a sparse upload over data punches holes under the stream\'s holes; other bytes stay', async () => {
    const full = await newVol('full.raw', 4 * MiB);
    const path = join(dir, 'full.raw');
    writeFileSync(path, Buffer.alloc(4 * MiB, 0x5a));
    expect(allocated(path)).toBe(4 * MiB);
    await full.upload(chunksOf(Buffer.from('head'), new StreamHole(BigInt(2 * MiB)), Buffer.from('tail')), 4096n, 0n, SPARSE);
    const bytes = readFileSync(path);
    const expected = Buffer.alloc(4 * MiB, 0x5a);
    expected.write('head', 4096);
    expected.fill(0, 4100, 4100 + 2 * MiB);
    expected.write('tail', 4100 + 2 * MiB);
    expect(bytes.equals(expected)).toBe(true);
    expect(allocated(path)).toBeLessThan(3 * MiB);
  });

  it('refusals: more than length, a hole on a plain stream, unknown flags, a directory volume', async () => {
    const vol = await newVol('limit.raw', 0);
    const over = await virErrorOf(vol.upload(chunksOf(Buffer.from('0123456789abcdef')), 2n, 10n));
    expect([over.code, over.domain, over.message]).toEqual([
      ErrorCode.SYSTEM_ERROR, ErrorDomain.STREAMS, 'cannot write to stream: No space left on device']);
    expect(readFileSync(join(dir, 'limit.raw')).toString('latin1')).toBe('\0\x000123456789');

    const hole = await virErrorOf(vol.upload(chunksOf(new StreamHole(10n))));
    expect([hole.code, hole.domain, hole.message]).toEqual([ErrorCode.OPERATION_INVALID, ErrorDomain.STREAMS, 'Requested operation is not valid: Unexpected stream hole']);
    const flag = await virErrorOf(vol.upload(chunksOf(), 0n, 0n, 4));
    expect(flag.message).toBe('unsupported flags (0x4) in function storageVolUpload');

    mkdirSync(join(dir, 'sub'));
    const sub = await pool.storageVolLookupByName('sub');
    for (const call of [() => sub.download(), () => sub.upload(chunksOf(Buffer.from('x')))]) {
      const err = await virErrorOf(call());
      expect([err.code, err.domain, err.message]).toEqual([ErrorCode.SYSTEM_ERROR, ErrorDomain.STREAMS, `Unable to open stream for '${join(dir, 'sub')}': Is a directory`]);
    }
  });

  it('qcow2 volumes travel as their image files, holes and all', async () => {
    const path = join(dir, 'img.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, '64M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x33 1M 2M', '-c', 'write -P 0x44 40M 64k', path], { stdio: 'ignore' });
    const src = await pool.storageVolLookupByName('img.qcow2');
    const copy = await newVol('copy.qcow2', 0);
    await copy.upload(await src.download(0n, 0n, SPARSE), 0n, 0n, SPARSE);
    expect(readFileSync(join(dir, 'copy.qcow2')).equals(readFileSync(path))).toBe(true);
    execFileSync('qemu-img', ['compare', '-q', path, join(dir, 'copy.qcow2')]);
    expect(await (await pool.storageVolLookupByName('copy.qcow2')).getXMLDesc()).toContain("<format type='qcow2'/>");
  });

  it('a stream that names its local file (withFileRange) is copied from the file, with libvirt\'s rules all the same', async () => {
    const content = readFileSync(join(dir, 'src.raw'));
    const src = await pool.storageVolLookupByName('src.raw');
    // A download names the volume's file and the range it reads.
    const stream = await src.download(BigInt(MiB), 0n, SPARSE);
    expect(fileRangeOf(stream)).toMatchObject({ offset: BigInt(MiB), length: 0n, size: BigInt(8 * MiB), holes: true });
    const copy = await newVol('ranged.raw', 0);
    await copy.upload(stream, 0n, 0n, SPARSE);
    expect(readFileSync(join(dir, 'ranged.raw')).equals(content.subarray(MiB))).toBe(true);
    expect(allocated(join(dir, 'ranged.raw'))).toBeLessThanOrEqual(MiB);
    // Copied from the file, the stream is done with: the source volume is closed again.
    expect(stream.destroyed).toBe(true);

    // An upload whose chunks cannot be pulled: only the file is read, each chunk counted.
    const fh = await open(join(dir, 'src.raw'), 'r');
    const unpullable: AsyncIterable<StreamChunk> = { [Symbol.asyncIterator]: () => { throw new Error('pulled'); } };
    let counted = 0n;
    const range = { fh, offset: 0n, length: 0n, size: BigInt(content.length), holes: false, progress: (n: bigint) => { counted += n; } };
    const dest = await newVol('counted.raw', 0);
    await dest.upload(withFileRange(unpullable, range), 4096n, 0n);
    expect(readFileSync(join(dir, 'counted.raw')).subarray(4096).equals(content)).toBe(true);
    expect(counted).toBe(BigInt(content.length));
    // The length still limits it, and a hole on a plain upload is refused, as for any stream.
    const over = await virErrorOf(dest.upload(withFileRange(unpullable, range), 0n, 10n));
    expect(over.message).toBe('cannot write to stream: No space left on device');
    const holes = await virErrorOf(dest.upload(withFileRange(unpullable, { ...range, holes: true })));
    expect(holes.message).toBe('Requested operation is not valid: Unexpected stream hole');
    await fh.close();
  });

  it('a whole file onto a volume no larger: sparse keeps the source\'s holes, plain is allocated throughout, a larger volume keeps its tail', async () => {
    const srcPath = join(dir, 'whole-src.raw');
    const content = sparseFile(srcPath, 8 * MiB, layout);
    const dataBytes = allocated(srcPath);
    const upload = async (name: string, flags: number, holes: boolean): Promise<Buffer> => {
      const fh = await open(srcPath, 'r');
      try {
        const unpullable: AsyncIterable<StreamChunk> = { [Symbol.asyncIterator]: () => { throw new Error('pulled'); } };
        const vol = await pool.storageVolLookupByName(name);
        await vol.upload(withFileRange(unpullable, { fh, path: srcPath, offset: 0n, length: 0n, size: BigInt(content.length), holes }), 0n, 0n, flags);
      } finally {
        await fh.close();
      }
      return readFileSync(join(dir, name));
    };
    // Onto a fully allocated volume of the same size: its old bytes are gone, the source's holes are holes again.
    await newVol('whole-sparse.raw', 8 * MiB, `<allocation unit='bytes'>${8 * MiB}</allocation>`);
    writeFileSync(join(dir, 'whole-sparse.raw'), Buffer.alloc(8 * MiB, 0xee));
    expect((await upload('whole-sparse.raw', SPARSE, true)).equals(content)).toBe(true);
    expect(allocated(join(dir, 'whole-sparse.raw'))).toBe(dataBytes);
    // A plain stream carries every byte: its copy has no holes.
    await newVol('whole-plain.raw', 0);
    expect((await upload('whole-plain.raw', 0, false)).equals(content)).toBe(true);
    expect(allocated(join(dir, 'whole-plain.raw'))).toBeGreaterThanOrEqual(8 * MiB);
    // A volume larger than the file keeps what lies past it.
    await newVol('whole-larger.raw', 9 * MiB);
    writeFileSync(join(dir, 'whole-larger.raw'), Buffer.alloc(9 * MiB, 0xee));
    const larger = await upload('whole-larger.raw', SPARSE, true);
    expect(larger.subarray(0, 8 * MiB).equals(content)).toBe(true);
    expect(larger.subarray(8 * MiB).equals(Buffer.alloc(MiB, 0xee))).toBe(true);
  });

  it('back-pressure: a download reads as it is consumed, and destroying it closes the volume', async () => {
    sparseFile(join(dir, 'big.raw'), 64 * MiB, [[0, 64 * MiB]]);
    const vol = await pool.storageVolLookupByName('big.raw');
    const stream = await vol.download();
    const it = stream[Symbol.asyncIterator]();
    expect(((await it.next()).value as Buffer).length).toBe(MiB);
    await new Promise((r) => setTimeout(r, 200));
    // Unconsumed, the stream holds its few chunks of read-ahead, never the volume.
    expect(stream.readableLength).toBeLessThanOrEqual(5);
    const openFds = (): number => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === join(dir, 'big.raw');
      } catch {
        return false;
      }
    }).length;
    expect(openFds()).toBe(1);
    stream.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(openFds()).toBe(0);
  });

  it('block volumes: zero blocks are holes on download; holes become zeros on upload, within the device', async (ctx) => {
    const loop = loopDeviceOrSkip(ctx, root().root, 'stream-loop.img', 8 * MiB);
    if (!loop) return;
    try {
      symlinkSync(loop, join(dir, 'disk'));
      const disk = await pool.storageVolLookupByName('disk');
      execFileSync('dd', ['if=/dev/urandom', `of=${loop}`, 'bs=1M', 'count=8', 'status=none']);
      const src = await pool.storageVolLookupByName('src.raw');
      await disk.upload(await src.download(0n, 0n, SPARSE), 0n, 0n, SPARSE);
      const content = readFileSync(join(dir, 'src.raw'));
      expect(readFileSync(loop).equals(content)).toBe(true);
      const down = await drain(await disk.download(0n, 0n, SPARSE));
      expect([down.bytes.equals(content), down.holes]).toEqual([true, 3]);
      const past = await virErrorOf(disk.upload(chunksOf(Buffer.alloc(10, 1)), BigInt(8 * MiB - 4)));
      expect(past.message).toBe('cannot write to stream: No space left on device');
    } finally {
      removeLoopDevice(loop);
    }
  });
});
