import type { FileHandle } from 'node:fs/promises';
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
}

/**
 * Reads `range` of an open file as a stream of chunks, one read at a time, so that a consumer that
 * stops pulling stops the reading (back-pressure) and memory stays at one chunk. With `holes`,
 * runs of zero blocks come as one StreamHole each, as libvirt's sparse streams skip them.
 */
export async function* readChunks(fh: FileHandle, range: ReadRange): AsyncGenerator<StreamChunk> {
  const end = range.length > 0n && range.offset + range.length < range.size ? range.offset + range.length : range.size;
  let hole = 0n;
  for (let pos = range.offset; pos < end;) {
    const want = end - pos < BigInt(STREAM_CHUNK) ? Number(end - pos) : STREAM_CHUNK;
    const buf = Buffer.allocUnsafe(want);
    const { bytesRead } = await fh.read(buf, 0, want, Number(pos));
    if (bytesRead === 0) break;
    pos += BigInt(bytesRead);
    const data = buf.subarray(0, bytesRead);
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
