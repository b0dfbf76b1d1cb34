import type { FileHandle } from 'node:fs/promises';
import { runCommand } from '../command.js';
import { ErrorCode, ErrorDomain } from '../errors/error-codes.js';
import { VirError, systemError } from '../errors/vir-error.js';
import { STREAM_CHUNK } from './read-chunks.js';
import { isStreamHole, type StreamChunk } from './stream-hole.js';
import { zeroRuns } from './zero-runs.js';

const D = ErrorDomain.STREAMS;

/** Where and how a stream is written into an open file. */
export interface WriteTarget {
  /** The file's path (holes are punched with `fallocate` through it). */
  readonly path: string;
  /** Where writing starts. */
  readonly offset: bigint;
  /** How many bytes the stream may carry; 0: no limit. */
  readonly length: bigint;
  /** The stream is sparse: holes may come, and are recreated as holes. */
  readonly holes: boolean;
  /** The file's size now (a block device's size). */
  readonly size: bigint;
  /** A block device: its size is fixed, and a hole over data is written as zeros. */
  readonly block: boolean;
}

const noSpace = (): VirError => systemError('cannot write to stream', Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }), D);

/** The ranges of `[from, to)` of a file that hold anything but zeros, adjacent ones merged. */
async function dataRanges(fh: FileHandle, from: bigint, to: bigint): Promise<Array<[bigint, bigint]>> {
  const ranges: Array<[bigint, bigint]> = [];
  const buf = Buffer.allocUnsafe(STREAM_CHUNK);
  for (let pos = from; pos < to;) {
    const want = to - pos < BigInt(STREAM_CHUNK) ? Number(to - pos) : STREAM_CHUNK;
    const { bytesRead } = await fh.read(buf, 0, want, Number(pos));
    if (bytesRead === 0) break;
    for (const run of zeroRuns(buf.subarray(0, bytesRead))) {
      if (run.zero) continue;
      const [start, end] = [pos + BigInt(run.start), pos + BigInt(run.end)];
      const last = ranges[ranges.length - 1];
      if (last && last[1] === start) last[1] = end;
      else ranges.push([start, end]);
    }
    pos += BigInt(bytesRead);
  }
  return ranges;
}

/**
 * Makes `[from, to)` of the existing part of a file read as zeros, touching only what is not zero
 * already: a regular file gets holes punched there (its holes stay holes), a block device zeros.
 */
async function clearRange(fh: FileHandle, t: WriteTarget, from: bigint, to: bigint): Promise<void> {
  for (const [start, end] of await dataRanges(fh, from, to)) {
    if (!t.block) {
      await runCommand('fallocate', ['--punch-hole', '--offset', String(start), '--length', String(end - start), t.path], { domain: ErrorDomain.NONE });
      continue;
    }
    const zeros = Buffer.alloc(STREAM_CHUNK);
    for (let at = start; at < end; at += BigInt(STREAM_CHUNK)) {
      await fh.write(zeros, 0, end - at < BigInt(STREAM_CHUNK) ? Number(end - at) : STREAM_CHUNK, Number(at));
    }
  }
}

async function writeAll(fh: FileHandle, data: Uint8Array, at: bigint): Promise<void> {
  for (let done = 0; done < data.length;) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, Number(at) + done);
    if (bytesWritten === 0) throw noSpace();
    done += bytesWritten;
  }
}

/**
 * Writes a stream into an open file from `offset`, pulling one chunk at a time (the producer waits
 * while a write is under way). A hole of a sparse stream is skipped where the file ends and cleared
 * where it has content; a regular file is extended to the end of a trailing hole. More than
 * `length` bytes, or past a block device's end, is libvirt's "cannot write to stream" (ENOSPC),
 * after the part that fits. Answers how many bytes the stream carried (holes included).
 */
export async function writeChunks(fh: FileHandle, chunks: AsyncIterable<StreamChunk>, t: WriteTarget): Promise<bigint> {
  const limit = t.length > 0n ? t.offset + t.length : undefined;
  let size = t.size;
  let pos = t.offset;
  for await (const chunk of chunks) {
    const n = isStreamHole(chunk) ? chunk.length : BigInt(chunk.length);
    const fits = limit === undefined || pos + n <= limit ? n : limit - pos;
    const stop = t.block && pos + fits > size ? (size > pos ? size - pos : 0n) : fits;
    if (isStreamHole(chunk)) {
      if (!t.holes) throw new VirError(ErrorCode.OPERATION_INVALID, 'Unexpected stream hole', D);
      if (pos < size) await clearRange(fh, t, pos, pos + stop < size ? pos + stop : size);
    } else if (stop > 0n) {
      await writeAll(fh, chunk.subarray(0, Number(stop)), pos);
    }
    pos += stop > 0n ? stop : 0n;
    if (pos > size) size = pos;
    if (stop < n) throw noSpace();
  }
  if (!t.block && pos > t.size) await fh.truncate(Number(pos));
  return pos - t.offset;
}
