import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseDomainXML } from '@tsvirt/conf';
import { disksOf } from '../devices/qemu-disk.js';
import { storageNode } from '../command/disk-props.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { diskChain, jobDisk } from './block-chain.js';
import type { JobScope } from './block-jobs.js';

const D = ErrorDomain.QEMU;

/** Formats whose images QEMU sizes in whole sectors: libvirt rounds a new size up for them. */
const SECTOR_FORMATS = new Set(['qcow2', 'qed']);

/** virDomainBlockResize: `block_resize` of the disk's top image to `bytes`. */
export async function resizeDisk(c: JobScope, disk: string, bytes: bigint): Promise<void> {
  const found = disksOf(parseDomainXML(c.s.xml, { arch: GUEST_ARCH }).devices).find((d) => d.target === disk || (d.path !== undefined && d.path === disk));
  if (!found?.alias) throw new VirError(ErrorCode.INVALID_ARG, `disk '${disk}' was not found in the domain config`, D);
  const size = SECTOR_FORMATS.has(found.format) ? (bytes + 511n) / 512n * 512n : bytes;
  const [top] = await diskChain(c.mon, found.alias);
  await c.mon.execute('block_resize', { 'node-name': top!.node, size: Number(size) });
}

/** `vda` or `vda[N]`: a disk target and the backing chain index libvirt's names give. */
function parseDev(dev: string): { target: string; index: number | undefined } {
  const m = /^(.+)\[(\d+)\]$/.exec(dev);
  return m ? { target: m[1]!, index: Number(m[2]) } : { target: dev, index: undefined };
}

/**
 * virDomainSetBlockThreshold: `block-set-write-threshold` on the protocol node of the top image
 * (index 0 or 1 of libvirt's names) or of the backing image at that depth.
 */
export async function setThreshold(c: JobScope, dev: string, threshold: bigint): Promise<void> {
  const { target, index } = parseDev(dev);
  const disk = jobDisk(c.s.xml, target);
  const chain = await diskChain(c.mon, disk.alias);
  const own = c.s.diskNodes[disk.alias];
  const layer = index === undefined || index === own ? chain[0] : chain[index - 1];
  if (!layer) throw new VirError(ErrorCode.INVALID_ARG, `failed to find backing store index '${index}' in chain for '${target}'`, D);
  const node = layer === chain[0] && own !== undefined && own >= 0 ? storageNode(own) : layer.storage;
  if (node === undefined) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `threshold currently can't be set for block device '${dev}'`, D);
  await c.mon.execute('block-set-write-threshold', { 'node-name': node, 'write-threshold': Number(threshold) });
}
