import type { FileHandle } from 'node:fs/promises';
import { readChunks, type ReadRange } from './read-chunks.js';
import { isStreamHole, type StreamChunk } from './stream-hole.js';

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
