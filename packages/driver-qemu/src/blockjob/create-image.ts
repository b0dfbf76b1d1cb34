import { truncateSync, writeFileSync } from 'node:fs';
import { ErrorCode, ErrorDomain, VirError, runCommand, systemError } from '@tsvirt/util';
import { storageNode } from '../command/disk-props.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ChainLayer } from './block-chain.js';
import { concluded } from './job-conclusion.js';

const D = ErrorDomain.QEMU;

/** What a new destination image is: its file, format, size and the backing image a shallow copy keeps. */
export interface NewImage {
  readonly path: string;
  readonly format: string;
  readonly size: number;
  readonly backing: ChainLayer | undefined;
}

/** The formats QEMU itself formats here (libvirt 9.0's blockdev-create); any other is made by qemu-img. */
const FORMATTED_BY_QEMU = new Set(['qcow2', 'raw']);

/** A copy's new image: the size of the chain's top, over its backing image when shallow. */
export function newImage(path: string, format: string, chain: readonly ChainLayer[], shallow: boolean): NewImage {
  return { path, format, size: chain[0]!.virtualSize, backing: shallow ? chain[1] : undefined };
}

/**
 * Makes the file a node will open: empty for a format QEMU lays out, the whole size for raw. At
 * once, not through the thread pool (three trips, each a wait of its own on a loaded machine).
 */
function makeFile(img: NewImage): void {
  try {
    // 0600, as libvirt makes a copy's destination
    writeFileSync(img.path, '', { mode: 0o600 });
    if (img.format === 'raw') truncateSync(img.path, img.size);
  } catch (e) {
    throw systemError('failed to create copy target', e as NodeJS.ErrnoException, D);
  }
}

/**
 * Creates a copy's destination before its storage node is opened (`before`) or formats it once
 * opened (`after`): qcow2 and raw without a process, as libvirt 9.0 does (the file made here, the
 * qcow2 layout written by a `blockdev-create` job on the storage node), other formats by qemu-img.
 */
export const createImage = {
  async before(img: NewImage): Promise<void> {
    if (FORMATTED_BY_QEMU.has(img.format)) return makeFile(img);
    const backing = img.backing ? ['-b', img.backing.file, '-F', img.backing.format] : [];
    await runCommand('qemu-img', ['create', '-q', '-f', img.format, ...backing, img.path, String(img.size)], { domain: D });
  },

  async after(mon: QmpClient, img: NewImage, node: number): Promise<void> {
    if (img.format !== 'qcow2') return;
    const id = `create-${storageNode(node)}`;
    const backing = img.backing ? { 'backing-file': img.backing.file, 'backing-fmt': img.backing.format } : {};
    const job = await concluded(mon, id, () => mon.execute('blockdev-create', { 'job-id': id, options: { driver: 'qcow2', file: storageNode(node), size: img.size, ...backing } }));
    if (job) await mon.execute('job-dismiss', { id });
    if (!job || job.error !== undefined) throw new VirError(ErrorCode.OPERATION_FAILED, `failed to format image: '${job?.error ?? 'job vanished'}'`, D);
  },
};
