import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COPY_CHUNK, ErrorCode, ErrorDomain, StreamHole, VirError, copyFileRange, fileExtents, fileRangeChunks, fileRangeOf, isStreamHole, readChunks, withFileRange,
  writeChunks, type StreamChunk,
} from '../src/index.js';
import { zeroRuns } from '../src/stream/zero-runs.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvirt-util-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KiB = 1024;

async function collect(chunks: AsyncIterable<StreamChunk>): Promise<Array<string | bigint>> {
  const out: Array<string | bigint> = [];
  for await (const c of chunks) out.push(isStreamHole(c) ? c.length : Buffer.from(c).toString('latin1'));
  return out;
}
async function* from(...items: StreamChunk[]): AsyncGenerator<StreamChunk> {
  yield* items;
}

describe('sparse streams', () => {
  it('zero runs at block granularity; holes branded across copies', () => {
    const buf = Buffer.alloc(12 * KiB);
    buf[5 * KiB] = 1;
    expect(zeroRuns(buf)).toEqual([{ zero: true, start: 0, end: 4 * KiB }, { zero: false, start: 4 * KiB, end: 8 * KiB }, { zero: true, start: 8 * KiB, end: 12 * KiB }]);
    expect(zeroRuns(Buffer.alloc(100))).toEqual([{ zero: true, start: 0, end: 100 }]);
    expect(isStreamHole(new StreamHole(3n))).toBe(true);
    expect(isStreamHole({ [Symbol.for('tsvirt.StreamHole')]: true, length: 1n })).toBe(true);
    expect([isStreamHole(Buffer.alloc(1)), isStreamHole(null), isStreamHole({ length: 1n })]).toEqual([false, false, false]);
  });

  it('readChunks: a range, holes merged across reads, data as it is', async () => {
    const path = join(dir, 'r');
    const content = Buffer.alloc(3 * 1024 * KiB);
    content.write('head', 0);
    content.write('tail', content.length - 4);
    writeFileSync(path, content);
    const fh = await open(path, 'r');
    try {
      const size = BigInt(content.length);
      const sparse = await collect(readChunks(fh, { offset: 0n, length: 0n, size, holes: true }));
      expect(sparse.map((c) => (typeof c === 'string' ? c.replace(/\0+$/, '').replace(/^\0+/, '') : c))).toEqual(['head', BigInt(content.length - 8 * KiB), 'tail']);
      const part = await collect(readChunks(fh, { offset: 2n, length: 3n, size, holes: false }));
      expect(part).toEqual(['ad\0']);
      expect(await collect(readChunks(fh, { offset: size + 1n, length: 0n, size, holes: true }))).toEqual([]);
    } finally {
      await fh.close();
    }
  });

  it('one reused buffer: the same chunks, holes found across megabytes; a stream marked with its file range', async () => {
    const path = join(dir, 'big');
    const content = Buffer.alloc(COPY_CHUNK * 2 + 5);
    content.write('x', 3 * 1024 * KiB);
    content.write('end', content.length - 3);
    writeFileSync(path, content);
    const fh = await open(path, 'r');
    try {
      const size = BigInt(content.length);
      for (const holes of [false, true]) {
        const buffer = Buffer.alloc(COPY_CHUNK);
        const seen = new Set<ArrayBufferLike>();
        for await (const c of readChunks(fh, { offset: 0n, length: 0n, size, holes, buffer })) if (!isStreamHole(c)) seen.add(c.buffer);
        expect([...seen]).toEqual([buffer.buffer]);
        // The same bytes and holes as 1 MiB chunks carry, in fewer data chunks.
        const [big, small] = [await collect(readChunks(fh, { offset: 0n, length: 0n, size, holes, buffer })), await collect(readChunks(fh, { offset: 0n, length: 0n, size, holes }))];
        const flat = (cs: Array<string | bigint>): string => cs.map((c) => (typeof c === 'bigint' ? `<${c}>` : c)).join('');
        expect(flat(big)).toBe(flat(small));
      }
      // A 4 MiB read of zeros is one hole, not a comparison past the zeros it is checked against.
      expect(await collect(readChunks(fh, { offset: 0n, length: BigInt(COPY_CHUNK), size, holes: true, buffer: Buffer.alloc(COPY_CHUNK) })))
        .toEqual([BigInt(3 * 1024 * KiB), `x${'\0'.repeat(4 * KiB - 1)}`, BigInt(COPY_CHUNK - 3 * 1024 * KiB - 4 * KiB)]);

      let counted = 0n;
      const stream = withFileRange(from(), { fh, offset: 1n, length: 0n, size, holes: false, progress: (n) => { counted += n; } });
      expect(fileRangeOf(stream)?.offset).toBe(1n);
      expect([fileRangeOf(from()), fileRangeOf(null), fileRangeOf('x')]).toEqual([undefined, undefined, undefined]);
      const copied = (await collect(fileRangeChunks(fileRangeOf(stream)!))).join('');
      expect([copied === content.subarray(1).toString('latin1'), counted]).toEqual([true, size - 1n]);
    } finally {
      await fh.close();
    }
  });

  it('copyFileRange: a whole sparse file onto an empty one by the kernel, anything else through the buffer, the same bytes', async () => {
    const src = join(dir, 'sparse-src');
    const content = Buffer.alloc(8 * 1024 * KiB);
    content.fill(7, 1024 * KiB, 2 * 1024 * KiB);
    content.write('end', content.length - 3);
    writeFileSync(src, '');
    const srcFh = await open(src, 'r+');
    await srcFh.truncate(content.length);
    await srcFh.write(content, 1024 * KiB, 1024 * KiB, 1024 * KiB);
    await srcFh.write(content, content.length - 3, 3, content.length - 3);
    const size = BigInt(content.length);
    const extents = await fileExtents(src);
    // The kernel's copy reads the path: handed an empty file's descriptor, it still copies the source.
    writeFileSync(join(dir, 'empty'), '');
    const emptyFh = await open(join(dir, 'empty'), 'r');
    const cases: Array<[string, Partial<{ path: string; offset: bigint; fh: typeof srcFh }>, number]> = [
      ['kernel', { path: src, fh: emptyFh }, 0],
      ['fallback', { path: join(dir, 'no-such-file') }, 0],
      ['buffer', { path: src, offset: 4096n }, 4096],
    ];
    for (const [name, over, from] of cases) {
      const out = join(dir, `copy-${name}`);
      writeFileSync(out, '');
      const fh = await open(out, 'r+');
      let counted = 0n;
      const range = { fh: srcFh, offset: 0n, length: 0n, size, holes: true, ...(extents ? { extents } : {}), progress: (n: bigint) => { counted += n; }, ...over };
      const n = await copyFileRange(fh, range, { path: out, offset: 0n, length: 0n, holes: true, size: 0n, block: false });
      await fh.close();
      expect([name, n, counted, readFileSync(out).equals(content.subarray(from))]).toEqual([name, size - BigInt(from), size - BigInt(from), true]);
      expect(statSync(out).blocks * 512).toBeLessThanOrEqual(1024 * KiB + 8 * KiB);
    }
    await srcFh.close();
    await emptyFh.close();
  });

  it('fileExtents and readChunks over them: the file system\'s holes (never read), data as it is, zeros included', async () => {
    const path = join(dir, 'x');
    const MiB = 1024 * KiB;
    // 1 MiB hole, 1 MiB of zeros written (data), 1 MiB of text, then a 2 MiB hole.
    const fh = await open(path, 'w+');
    await fh.write(Buffer.alloc(MiB), 0, MiB, MiB);
    await fh.write(Buffer.alloc(MiB, 'a'), 0, MiB, 2 * MiB);
    await fh.truncate(5 * MiB);
    try {
      const extents = await fileExtents(path);
      expect(extents).toEqual([
        { start: 0n, end: BigInt(MiB), data: false }, { start: BigInt(MiB), end: BigInt(3 * MiB), data: true }, { start: BigInt(3 * MiB), end: BigInt(5 * MiB), data: false },
      ]);
      const size = BigInt(5 * MiB);
      const shape = async (offset: bigint, length: bigint): Promise<Array<string | bigint>> =>
        (await collect(readChunks(fh, { offset, length, size, holes: true, extents: extents! }))).map((c) => (typeof c === 'string' ? `${c.length}${c[0] === 'a' ? 'a' : '0'}` : c));
      expect(await shape(0n, 0n)).toEqual([BigInt(MiB), `${MiB}0`, `${MiB}a`, BigInt(2 * MiB)]);
      expect(await shape(BigInt(MiB / 2), BigInt(MiB))).toEqual([BigInt(MiB / 2), `${MiB / 2}0`]);
      // A map that ends early (the file grew since): the rest is read as data.
      expect(await collect(readChunks(fh, { offset: 0n, length: 0n, size, holes: true, extents: extents!.slice(0, 1) })).then((c) => c.length)).toBe(5);
      expect(await fileExtents(join(dir, 'missing'))).toBeUndefined();
    } finally {
      await fh.close();
    }
  });

  it('writeChunks: holes skipped at the end and punched over data, the length kept, plain streams refuse holes', async () => {
    const path = join(dir, 'w');
    writeFileSync(path, Buffer.alloc(64 * KiB, 0x61));
    const fh = await open(path, 'r+');
    try {
      const n = await writeChunks(fh, from(Buffer.from('xy'), new StreamHole(BigInt(16 * KiB)), Buffer.from('z'), new StreamHole(BigInt(128 * KiB))),
        { path, offset: 0n, length: 0n, holes: true, size: BigInt(64 * KiB), block: false });
      expect(n).toBe(BigInt(2 + 16 * KiB + 1 + 128 * KiB));
      const bytes = readFileSync(path);
      expect(bytes.length).toBe(2 + 16 * KiB + 1 + 128 * KiB);
      expect([bytes.subarray(0, 2).toString(), bytes.subarray(2, 2 + 16 * KiB).every((b) => b === 0), bytes[2 + 16 * KiB]]).toEqual(['xy', true, 0x7a]);
      expect(bytes.subarray(3 + 16 * KiB).every((b) => b === 0)).toBe(true);
      expect(statSync(path).blocks * 512).toBeLessThan(64 * KiB);

      const over = await writeChunks(fh, from(Buffer.from('0123456789')), { path, offset: 0n, length: 4n, holes: false, size: 0n, block: false }).catch((e: unknown) => e);
      expect(over).toBeInstanceOf(VirError);
      expect([(over as VirError).code, (over as VirError).domain, (over as VirError).message]).toEqual([
        ErrorCode.SYSTEM_ERROR, ErrorDomain.STREAMS, 'cannot write to stream: No space left on device']);
      expect(readFileSync(path).subarray(0, 4).toString()).toBe('0123');
      const hole = await writeChunks(fh, from(new StreamHole(1n)), { path, offset: 0n, length: 0n, holes: false, size: 0n, block: false }).catch((e: unknown) => e);
      expect((hole as VirError).message).toBe('Requested operation is not valid: Unexpected stream hole');
    } finally {
      await fh.close();
    }
  });
});
