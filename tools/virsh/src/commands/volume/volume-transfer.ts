import { constants } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StorageVolInfoFlags, StorageVolStreamFlags, isStreamHole, type StorageVol, type StreamChunk } from '@tsvirt/api';
import { copyFileRange, fileExtents, fileRangeOf, readChunks, withFileRange, writeChunks } from '@tsvirt/util';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import { ullOpt } from '../../vsh/option-values.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { progressBar, type Progress } from '../../vsh/progress-bar.js';
import { VshError } from '../../vsh/vsh-error.js';
import { poolOpt, volArg } from '../../storage-lookup.js';
import { volOpt } from './volume-info.js';

/** How many chunks an upload reads ahead of what the volume has taken. */
const READ_AHEAD = 4;

/** What vol-download and vol-upload share: the volume, then the range and the file, in virsh's order. */
async function transferArgs(ctl: Ctl, cmd: ParsedCommand): Promise<{ vol: StorageVol; text: string; offset: bigint; length: bigint; file: string; flags: number }> {
  const { vol, text } = await volArg(ctl, cmd);
  const offset = ullOpt(cmd, 'offset') ?? 0n;
  const length = ullOpt(cmd, 'length') ?? 0n;
  const file = cmd.required('file');
  return { vol, text, offset, length, file, flags: cmd.bool('sparse') ? StorageVolStreamFlags.SPARSE_STREAM : 0 };
}

function transferCommand(name: string, help: string, direction: 'from' | 'to'): CommandDef {
  return {
    name,
    group: 'volume',
    help,
    desc: help.charAt(0).toUpperCase() + help.slice(1),
    options: [
      volOpt(),
      { name: 'file', type: 'string', positional: true, required: true, help: 'file' },
      poolOpt('pool name or uuid', false),
      { name: 'offset', type: 'int', help: `volume offset to ${direction === 'from' ? 'download from' : 'upload to'}` },
      { name: 'length', type: 'int', help: `amount of data to ${direction === 'from' ? 'download' : 'upload'}` },
      { name: 'sparse', type: 'bool', help: 'preserve sparseness of volume' },
    ],
    run: direction === 'from' ? download : upload,
  };
}

/** Opens the target as virsh does: a new file, else an existing one emptied; answers whether it made the file. */
async function createTarget(file: string): Promise<{ fh: FileHandle; created: boolean }> {
  try {
    return { fh: await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666), created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new VshError(`cannot create ${file}`);
  }
  try {
    return { fh: await open(file, constants.O_WRONLY | constants.O_TRUNC, 0o666), created: false };
  } catch {
    throw new VshError(`cannot create ${file}`);
  }
}

/** Passes chunks on, reporting each one's bytes (a hole's too) to the progress bar. */
async function* counted(chunks: AsyncIterable<StreamChunk>, progress: Progress): AsyncGenerator<StreamChunk> {
  for await (const chunk of chunks) {
    progress.add(isStreamHole(chunk) ? chunk.length : BigInt(chunk.length));
    yield chunk;
  }
}

/** How many bytes a download carries: the volume's from the offset (its file's size, a device's capacity), at most `length`. */
async function downloadSize(vol: StorageVol, offset: bigint, length: bigint): Promise<bigint | undefined> {
  const info = await vol.getInfoFlags(StorageVolInfoFlags.GET_PHYSICAL).catch(() => undefined);
  if (!info) return undefined;
  const left = info.allocation > offset ? info.allocation - offset : 0n;
  return length > 0n && length < left ? length : left;
}

/**
 * Writes a download into the target: a regular file by position, a sparse stream's holes left as
 * holes (the file is extended over a trailing one); anything else (a pipe, a device) in order,
 * holes as zeros.
 */
async function writeTarget(fh: FileHandle, file: string, stream: Readable, progress: Progress): Promise<void> {
  const chunks = counted(stream, progress);
  if (!(await fh.stat()).isFile()) {
    for await (const chunk of chunks) await fh.write(isStreamHole(chunk) ? Buffer.alloc(Number(chunk.length)) : chunk);
    return;
  }
  // A local volume's stream names its file: copied from there through one buffer, the stream left unread.
  const range = fileRangeOf(stream);
  try {
    const target = { path: file, offset: 0n, length: 0n, holes: true, size: 0n, block: false };
    await (range ? copyFileRange(fh, { ...range, progress: (n) => progress.add(n) }, target) : writeChunks(fh, chunks, target));
  } finally {
    if (range) stream.destroy();
  }
}

async function download(ctl: Ctl, cmd: ParsedCommand): Promise<boolean> {
  const { vol, text, offset, length, file, flags } = await transferArgs(ctl, cmd);
  const { fh, created } = await createTarget(file);
  let ok = false;
  try {
    let stream: Readable;
    try {
      stream = await vol.download(offset, length, flags);
    } catch (e) {
      throw new CommandFailed(`cannot download from volume ${text}`, e);
    }
    // The size is for the bar alone, which only a terminal shows: asking for it costs the driver a look at the volume.
    const progress = progressBar(`vol-download ${text}`, process.stderr.isTTY ? await downloadSize(vol, offset, length) : undefined);
    await writeTarget(fh, file, stream, progress);
    progress.finish();
    ok = true;
  } finally {
    await fh.close();
    // A file virsh made for a download that failed is removed again.
    if (!ok && created) await unlink(file).catch(() => undefined);
  }
  return true;
}

async function upload(ctl: Ctl, cmd: ParsedCommand): Promise<boolean> {
  const { vol, text, offset, length, file, flags } = await transferArgs(ctl, cmd);
  let fh: FileHandle;
  try {
    fh = await open(file, constants.O_RDONLY);
  } catch {
    throw new VshError(`cannot read ${file}`);
  }
  try {
    const st = await fh.stat({ bigint: true });
    // A regular file is read by position, its holes (the file system's, as virsh finds them;
    // runs of zeros where qemu-img cannot map it) sent as holes when --sparse asks and it has any;
    // anything else (a pipe, a device) is read as it comes.
    // Reading runs a few chunks ahead of the upload (a Node stream's buffer), so the disk reads while the volume is written.
    // A local driver copies from the file itself (withFileRange), reporting each chunk to the bar.
    const holes = st.isFile() && (flags & StorageVolStreamFlags.SPARSE_STREAM) !== 0 && st.blocks * 512n < st.size;
    const progress = progressBar(`vol-upload ${text}`, st.isFile() ? (length > 0n && length < st.size ? length : st.size) : undefined);
    // The file's holes are asked for only when its chunks are read (a local driver's kernel copy never reads them).
    const range = { offset: 0n, length: 0n, size: st.size, holes, ...(holes ? { extents: () => fileExtents(file) } : {}) };
    const data: AsyncIterable<StreamChunk> = st.isFile()
      ? withFileRange(counted(Readable.from(readChunks(fh, range), { objectMode: true, highWaterMark: READ_AHEAD }), progress),
        { ...range, fh, path: file, progress: (n) => progress.add(n) })
      : counted(fh.createReadStream({ autoClose: false }), progress);
    try {
      await vol.upload(data, offset, length, flags);
    } catch (e) {
      throw new CommandFailed(`cannot upload to volume ${text}`, e);
    }
    progress.finish();
  } finally {
    await fh.close();
  }
  return true;
}

export const volDownload = transferCommand('vol-download', 'download volume contents to a file', 'from');
export const volUpload = transferCommand('vol-upload', 'upload file contents to a volume', 'to');
