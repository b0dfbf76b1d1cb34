import type { FileHandle } from 'node:fs/promises';
import { runCommand } from '../command.js';
import { readChunks, type ReadRange } from './read-chunks.js';
import { isStreamHole, type StreamChunk } from './stream-hole.js';
import { writeChunks, type WriteTarget } from './write-chunks.js';

const RANGE = Symbol.for('tsvirt.FileRange');

/** How much one read of a file-to-file copy takes: a few large calls, into one buffer for the whole copy. */
export const COPY_CHUNK = 4 * 1024 * 1024;

/**
 * The open local file a stream's chunks are read from, and what of it they carry. A consumer in the
 * same process (the local storage driver on upload, the CLI writing a download into a file) reads
 * the file itself with one reused buffer instead of pulling the stream: each of the stream's
 * chunks is a buffer of its own, which lives long enough to cost the garbage collector a full
 * collection every few dozen megabytes.
 */
export interface FileRange extends Omit<ReadRange, 'buffer'> {
  readonly fh: FileHandle;
  /** The file's path, when it is a regular file: a whole sparse copy of it is then made by the kernel. */
  readonly path?: string;
  /** Told how many bytes each chunk carried, holes included (a progress bar's count). */
  readonly progress?: (bytes: bigint) => void;
}

/** `stream`, marked as carrying `range` (a property of this object only: a stream made from it does not have it). */
export function withFileRange<T extends object>(stream: T, range: FileRange): T {
  Object.defineProperty(stream, RANGE, { value: range, configurable: true });
  return stream;
}

/** The file range a stream carries, when it was marked with one. */
export function fileRangeOf(stream: unknown): FileRange | undefined {
  return typeof stream === 'object' && stream !== null ? (stream as Record<symbol, FileRange | undefined>)[RANGE] : undefined;
}

/**
 * The range's chunks, as the stream would carry them, read into one buffer: only for a consumer
 * that is done with a chunk before it pulls the next (writeChunks).
 */
export async function* fileRangeChunks(range: FileRange): AsyncGenerator<StreamChunk> {
  for await (const chunk of readChunks(range.fh, { ...range, buffer: Buffer.allocUnsafe(COPY_CHUNK) })) {
    range.progress?.(isStreamHole(chunk) ? chunk.length : BigInt(chunk.length));
    yield chunk;
  }
}

/**
 * Whether a copy is a whole regular file onto a regular file from its start, covering all of it
 * (an empty file, or one no larger): what the kernel can copy by itself. A sparse stream needs a
 * sparse target (else writeChunks refuses its holes).
 */
function wholeFileCopy(range: FileRange, t: WriteTarget): range is FileRange & { path: string } {
  const whole = range.offset === 0n && (range.length === 0n || range.length >= range.size);
  const covers = t.offset === 0n && t.size <= range.size && (t.length === 0n || t.length >= range.size);
  return range.path !== undefined && !t.block && whole && covers && (t.holes || !range.holes);
}

/**
 * The kernel's copy of a whole file (`qemu-img convert -C`: copy_file_range for the data, the
 * target emptied first and its holes left out, about `cp --sparse`'s cost, which Node has no call
 * for). A plain stream carries every byte, so its copy is then allocated throughout (`fallocate`:
 * the holes become allocated zeros, as dd's written zeros are, without writing them). Answers
 * whether it was done.
 */
async function kernelCopy(range: FileRange & { path: string }, t: WriteTarget): Promise<boolean> {
  const run = (cmd: string, args: string[]): Promise<boolean> => runCommand(cmd, args).then(() => true, () => false);
  if (!(await run('qemu-img', ['convert', '-U', '-C', '-f', 'raw', '-O', 'raw', range.path, t.path]))) return false;
  return range.holes || run('fallocate', ['--length', String(range.size), t.path]);
}

/**
 * Writes a file range into an open file as writeChunks writes the stream it stands for, and
 * answers how many bytes it carried: a whole file by the kernel (kernelCopy), anything else, or
 * when that fails, through one buffer.
 */
export async function copyFileRange(fh: FileHandle, range: FileRange, t: WriteTarget): Promise<bigint> {
  if (wholeFileCopy(range, t)) {
    if (await kernelCopy(range, t)) {
      range.progress?.(range.size);
      return range.size;
    }
    // Whatever it wrote is the source's own bytes where they belong; the buffer copy starts again from an empty file.
    await fh.truncate(0);
    return writeChunks(fh, fileRangeChunks(range), { ...t, size: 0n });
  }
  return writeChunks(fh, fileRangeChunks(range), t);
}
