import { open, type FileHandle } from 'node:fs/promises';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';

/**
 * A save image in libvirt's QEMU layout: a 92-byte header (magic, version 2, the length of the
 * XML that follows, whether the guest was running, no compression), the domain XML with a NUL,
 * then QEMU's migration stream.
 */
const MAGIC = 'LibvirtQemudSave';
const PARTIAL = 'LibvirtQemudPart';
const VERSION = 2;
const HEADER_BYTES = 16 + 19 * 4;
const D = ErrorDomain.QEMU;

/** What a save image's header says. */
export interface SaveImageHeader {
  readonly xml: string;
  readonly wasRunning: boolean;
  /** Where QEMU's migration stream starts. */
  readonly streamOffset: number;
}

function header(magic: string, xmlBytes: number, wasRunning: boolean): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(magic, 0, 'latin1');
  b.writeUInt32LE(VERSION, 16);
  b.writeUInt32LE(xmlBytes, 20);
  b.writeUInt32LE(wasRunning ? 1 : 0, 24);
  return b;
}

/**
 * Starts a save image: the header marked partial (libvirt's own marker, so a half-written image
 * is never restored), then the XML. Returns the open file and the offset the stream goes to.
 */
export async function beginSaveImage(path: string, xml: string, wasRunning: boolean): Promise<{ file: FileHandle; offset: number }> {
  const data = Buffer.from(`${xml}\0`, 'utf8');
  let file: FileHandle;
  try {
    file = await open(path, 'w', 0o600);
  } catch (e) {
    throw systemError(`Failed to create file '${path}'`, e as NodeJS.ErrnoException, D);
  }
  await file.write(header(PARTIAL, data.length, wasRunning), 0, HEADER_BYTES, 0);
  await file.write(data, 0, data.length, HEADER_BYTES);
  return { file, offset: HEADER_BYTES + data.length };
}

/** Marks a fully written image complete (the real magic) and syncs it. */
export async function finishSaveImage(file: FileHandle): Promise<void> {
  await file.write(Buffer.from(MAGIC, 'latin1'), 0, 16, 0);
  await file.sync();
  await file.close();
}

/** Reads a save image's header and XML, refusing what is not a complete image with libvirt's words. */
export async function readSaveImage(path: string): Promise<SaveImageHeader> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw systemError(`Failed to open domain image file '${path}'`, e as NodeJS.ErrnoException, D);
  }
  try {
    const h = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(h, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES) throw new VirError(ErrorCode.OPERATION_FAILED, 'failed to read qemu header', D);
    const magic = h.toString('latin1', 0, 16);
    if (magic === PARTIAL) throw new VirError(ErrorCode.OPERATION_FAILED, 'save image is incomplete', D);
    if (magic !== MAGIC) throw new VirError(ErrorCode.INVALID_ARG, 'image magic is incorrect', D);
    const version = h.readUInt32LE(16);
    if (version !== VERSION) throw new VirError(ErrorCode.OPERATION_FAILED, `image version is not supported (${version} > ${VERSION})`, D);
    const len = h.readUInt32LE(20);
    const data = Buffer.alloc(len);
    if ((await file.read(data, 0, len, HEADER_BYTES)).bytesRead < len) throw new VirError(ErrorCode.OPERATION_FAILED, 'failed to read domain XML', D);
    const nul = data.indexOf(0);
    return { xml: data.toString('utf8', 0, nul < 0 ? len : nul), wasRunning: h.readUInt32LE(24) === 1, streamOffset: HEADER_BYTES + len };
  } finally {
    await file.close();
  }
}
