import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StorageVolStreamFlags } from '@tsvirt/api';
import {
  ErrorDomain, checkFlags, copyFileRange, fileExtents, fileRangeOf, readChunks, systemError, withFileRange, writeChunks, type StreamChunk,
} from '@tsvirt/util';
import type { VolumeSizes } from './volume-facts.js';

const D = ErrorDomain.STORAGE;
const { SPARSE_STREAM } = StorageVolStreamFlags;
/** How many chunks a download reads ahead of its consumer. */
const READ_AHEAD = 4;

/** Opens a volume for a stream with libvirt's error when it cannot (a directory volume has no bytes). */
async function openVolume(vol: VolumeSizes, flags: 'r' | 'r+'): Promise<FileHandle> {
  const fail = (e: NodeJS.ErrnoException): never => {
    throw systemError(`Unable to open stream for '${vol.path}'`, e, ErrorDomain.STREAMS);
  };
  if (vol.type === 'dir') fail(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
  return open(vol.path, flags).catch(fail);
}

/** A volume's size as a stream sees it: the file's, or the block device's. */
const sizeOf = (vol: VolumeSizes): bigint => (vol.type === 'block' ? vol.capacity : (vol.physical ?? 0n));

/**
 * virStorageVolDownload for a local volume: its bytes (a file's, whatever its format, or a block
 * device's) from `offset`, `length` of them (0: to the end), read as the stream is consumed. A
 * sparse stream skips holes where the volume can have them: a file's that is not fully allocated
 * (its file system's holes, runs of zero blocks where qemu-img cannot map it), and a block
 * device's runs of zero blocks (libvirt detects zeros there too).
 */
export async function downloadVolume(vol: VolumeSizes, offset: bigint, length: bigint, flags: number): Promise<Readable> {
  checkFlags(flags, SPARSE_STREAM, 'storageVolDownload', D);
  const fh = await openVolume(vol, 'r');
  const size = sizeOf(vol);
  const holes = (flags & SPARSE_STREAM) !== 0 && (vol.type === 'block' || vol.allocation < size);
  // A file's holes are the file system's, as libvirt's (asked for once reading starts: a consumer
  // that copies the whole file by the kernel never needs them); a block device's are found by reading.
  const range = { offset, length, size, holes, ...(holes && vol.type === 'file' ? { extents: () => fileExtents(vol.path) } : {}) };
  // A few chunks read ahead of the consumer keep the disk busy while it writes; no more are read until it takes them.
  const stream = Readable.from(readChunks(fh, range), { objectMode: true, highWaterMark: READ_AHEAD });
  // The volume stays open until the stream is done with, read to its end or not (a consumer in this
  // process may copy the range itself: fileRangeOf).
  stream.once('close', () => void fh.close().catch(() => undefined));
  return withFileRange(stream, { ...range, fh, ...(vol.type === 'file' ? { path: vol.path } : {}) });
}

/**
 * virStorageVolUpload for a local volume: writes the stream into it from `offset`, at most
 * `length` bytes (0: all of it). The holes of a sparse stream stay holes in a file (content under
 * them is punched away) and become zeros on a block device.
 */
export async function uploadVolume(vol: VolumeSizes, data: AsyncIterable<StreamChunk>, offset: bigint, length: bigint, flags: number): Promise<void> {
  checkFlags(flags, SPARSE_STREAM, 'storageVolUpload', D);
  const fh = await openVolume(vol, 'r+');
  // A local file's stream (tsvirsh's vol-upload in this process) is copied from the file itself.
  const range = fileRangeOf(data);
  try {
    const target = { path: vol.path, offset, length, holes: (flags & SPARSE_STREAM) !== 0, size: sizeOf(vol), block: vol.type === 'block' };
    await (range ? copyFileRange(fh, range, target) : writeChunks(fh, data, target));
  } finally {
    // A stream copied from its file is done with as one read to its end would be (another volume's download closes it).
    if (range) (data as { destroy?: () => void }).destroy?.();
    await fh.close();
  }
}
