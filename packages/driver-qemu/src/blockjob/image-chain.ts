import { open } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { BackingLayer } from '@tsvirt/conf';

const QCOW2_MAGIC = 0x514649fb;
/** The header extension naming the backing image's format. */
const EXT_BACKING_FORMAT = 0xe2792aca;
/** libvirt gives up on chains deeper than this. */
const MAX_DEPTH = 200;

interface Qcow2Backing {
  readonly file: string;
  readonly format: string | undefined;
}

/** The backing file a qcow2 header names, with the format its extension records; undefined for none or not qcow2. */
async function qcow2Backing(path: string): Promise<Qcow2Backing | undefined> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    if (bytesRead < 72 || head.readUInt32BE(0) !== QCOW2_MAGIC) return undefined;
    const offset = Number(head.readBigUInt64BE(8));
    const size = head.readUInt32BE(16);
    if (offset === 0 || size === 0) return undefined;
    const name = Buffer.alloc(size);
    await fh.read(name, 0, size, offset);
    const headerLength = head.readUInt32BE(4) >= 3 ? head.readUInt32BE(100) : 72;
    let format: string | undefined;
    for (let at = headerLength; at + 8 <= bytesRead;) {
      const type = head.readUInt32BE(at);
      const len = head.readUInt32BE(at + 4);
      if (type === 0) break;
      if (type === EXT_BACKING_FORMAT) format = head.toString('latin1', at + 8, Math.min(at + 8 + len, bytesRead));
      at += 8 + Math.ceil(len / 8) * 8;
    }
    const file = name.toString('utf8');
    return { file: isAbsolute(file) ? file : resolve(dirname(path), file), format };
  } finally {
    await fh.close();
  }
}

/**
 * The images below a disk's source, top first, read from the qcow2 headers as libvirt reads them
 * at start (not through QEMU): the backing file's path, relative ones resolved beside their image.
 */
export async function backingLayers(path: string | undefined, format: string, isBlock: boolean): Promise<BackingLayer[]> {
  const layers: BackingLayer[] = [];
  if (path === undefined || format !== 'qcow2') return layers;
  for (let next = await qcow2Backing(path); next && layers.length < MAX_DEPTH;) {
    const fmt = next.format ?? 'raw';
    layers.push({ type: isBlock && next.file.startsWith('/dev/') ? 'block' : 'file', format: fmt, path: next.file });
    next = fmt === 'qcow2' ? await qcow2Backing(next.file) : undefined;
  }
  return layers;
}
