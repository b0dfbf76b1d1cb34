import type { FileHandle } from 'node:fs/promises';
import type { FileExtent } from './file-extents.js';
import { StreamHole, type StreamChunk } from './stream-hole.js';
import { zeroRuns } from './zero-runs.js';

/** How much one read takes: large enough to keep the disk busy, small enough to keep memory flat. */
export const STREAM_CHUNK = 1024 * 1024;

/** What part of a file a stream reads, and how. */
export interface ReadRange {
  /** Where reading starts. */
  readonly offset: bigint;
  /** How many bytes to read; 0 reads to the end. */
  readonly length: bigint;
  /** The file's size (a block device's from sysfs: its stat says 0). */
  readonly size: bigint;
  /** Yield runs of zero blocks as holes (a sparse stream) instead of as data. */
  readonly holes: boolean;
  /**
   * With `holes`: the file's data and holes (fileExtents), or how to find them once reading starts
   * (a consumer that copies the whole file by other means never asks). Holes are then the file
   * system's, as libvirt's, and are never read; data is sent as it is, zeros included.
   */
  readonly extents?: readonly FileExtent[] | (() => Promise<readonly FileExtent[] | undefined>);
  /**
   * One buffer every read reuses (its size is the chunk size), for a consumer that is done with a
   * chunk before it pulls the next (writeChunks): no buffer per chunk, so nothing for the garbage
   * collector. Without it each chunk is a buffer of its own, which a consumer may keep.
   */
  readonly buffer?: Buffer;
}

/** Reads `[from, to)` of a file, one chunk a read, into `scratch` when given. */
async function* readData(fh: FileHandle, from: bigint, to: bigint, scratch?: Buffer): AsyncGenerator<Buffer> {
  const chunk = scratch?.length ?? STREAM_CHUNK;
  for (let pos = from; pos < to;) {
    const want = to - pos < BigInt(chunk) ? Number(to - pos) : chunk;
    const buf = scratch ?? Buffer.allocUnsafe(want);
    const { bytesRead } = await fh.read(buf, 0, want, Number(pos));
    if (bytesRead === 0) return;
    pos += BigInt(bytesRead);
    yield buf.subarray(0, bytesRead);
  }
}

/** `[from, to)` as the extents describe it: holes yielded whole (adjacent ones merged), data read. */
async function* readExtents(fh: FileHandle, extents: readonly FileExtent[], from: bigint, to: bigint, scratch?: Buffer): AsyncGenerator<StreamChunk> {
  let hole = 0n;
  let covered = from;
  for (const x of extents) {
    const start = x.start > from ? x.start : from;
    const end = x.end < to ? x.end : to;
    if (start >= end) continue;
    covered = end;
    if (!x.data) {
      hole += end - start;
      continue;
    }
    if (hole) yield new StreamHole(hole);
    hole = 0n;
    yield* readData(fh, start, end, scratch);
  }
  if (hole) yield new StreamHole(hole);
  // What the map did not cover (the file grew since) is read as data.
  if (covered < to) yield* readData(fh, covered, to, scratch);
}

/**
 * Reads `range` of an open file as a stream of chunks, one read at a time, so that a consumer that
 * stops pulling stops the reading (back-pressure) and memory stays at one chunk. With `holes`,
 * runs of zero blocks come as one StreamHole each, as libvirt's sparse streams skip them.
 */
export async function* readChunks(fh: FileHandle, range: ReadRange): AsyncGenerator<StreamChunk> {
  const end = range.length > 0n && range.offset + range.length < range.size ? range.offset + range.length : range.size;
  const extents = typeof range.extents === 'function' ? (range.holes ? await range.extents() : undefined) : range.extents;
  if (range.holes && extents) {
    yield* readExtents(fh, extents, range.offset, end, range.buffer);
    return;
  }
  let hole = 0n;
  for await (const data of readData(fh, range.offset, end, range.buffer)) {
    if (!range.holes) {
      yield data;
      continue;
    }
    for (const run of zeroRuns(data)) {
      if (run.zero) {
        hole += BigInt(run.end - run.start);
        continue;
      }
      if (hole) yield new StreamHole(hole);
      hole = 0n;
      yield data.subarray(run.start, run.end);
    }
  }
  if (hole) yield new StreamHole(hole);
}
