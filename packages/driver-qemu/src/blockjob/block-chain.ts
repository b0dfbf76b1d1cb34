import { parseDomainXML } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, type QemuDisk } from '../devices/qemu-disk.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

const D = ErrorDomain.QEMU;

/** One image of a disk's backing chain as QEMU has it open: top first. */
export interface ChainLayer {
  readonly file: string;
  readonly format: string;
  /** The format node QEMU reads the image through. */
  readonly node: string;
  /** Its protocol node, when QEMU names one. */
  readonly storage: string | undefined;
  readonly virtualSize: number;
}

/** What `query-block` says of an image and its backing images. */
interface ImageInfo {
  filename: string;
  format: string;
  'virtual-size': number;
  'backing-image'?: ImageInfo;
}
interface BlockInfo {
  qdev?: string;
  inserted?: { 'node-name'?: string; image: ImageInfo };
}
interface NamedNode {
  'node-name': string;
  drv: string;
  file: string;
}

const invalidArg = (msg: string): VirError => new VirError(ErrorCode.INVALID_ARG, msg, D);

/** The disk a block call names, by target or source path (libvirt's virDomainDiskByName). */
export function jobDisk(xml: string, name: string): QemuDisk & { alias: string } {
  const found = disksOf(parseDomainXML(xml, { arch: GUEST_ARCH }).devices).find((d) => d.target === name || (d.path !== undefined && d.path === name));
  if (!found?.alias) throw invalidArg(`disk '${name}' not found in domain`);
  return found as QemuDisk & { alias: string };
}

/** The disk's backing chain, top first, with each image's nodes (`query-block` and `query-named-block-nodes`). */
export async function diskChain(mon: QmpClient, alias: string): Promise<ChainLayer[]> {
  // Both asked at once: one round trip to QEMU instead of two.
  const [blocks, nodes] = await Promise.all([
    mon.execute<BlockInfo[]>('query-block'), mon.execute<NamedNode[]>('query-named-block-nodes', { flat: true }),
  ]);
  const info = blocks.find((b) => b.qdev === alias || b.qdev?.includes(`/${alias}/`));
  if (!info?.inserted) throw new VirError(ErrorCode.OPERATION_INVALID, `disk '${alias}' has no medium`, D);
  const isProtocol = (n: NamedNode): boolean => n.drv === 'file' || n.drv === 'host_device' || n.drv === 'host_cdrom';
  const layers: ChainLayer[] = [];
  const top = info.inserted['node-name'];
  for (let img: ImageInfo | undefined = info.inserted.image; img; img = img['backing-image']) {
    const file = img.filename;
    const format = nodes.find((n) => n.file === file && !isProtocol(n) && (layers.length > 0 || top === undefined || n['node-name'] === top))
      ?? nodes.find((n) => n.file === file && !isProtocol(n));
    const storage = nodes.find((n) => n.file === file && isProtocol(n));
    layers.push({ file, format: img.format, node: format?.['node-name'] ?? top ?? '', storage: storage?.['node-name'], virtualSize: img['virtual-size'] });
  }
  return layers;
}

/** The index in the chain of the image `path` names (its file name), searched from `from`. */
function indexOf(chain: readonly ChainLayer[], path: string, from: number): number {
  const i = chain.findIndex((l, k) => k >= from && l.file === path);
  return i;
}

/** The top of a commit or pull: the image named, else the active layer. */
export function chainTop(chain: readonly ChainLayer[], top: string | undefined, target: string): number {
  if (top === undefined) return 0;
  const i = indexOf(chain, top, 0);
  if (i < 0) throw invalidArg(`could not find image '${top}' in chain for '${target}'`);
  return i;
}

/** The base of a commit or pull beneath the top: the image named, else the bottom of the chain. */
export function chainBase(chain: readonly ChainLayer[], topIndex: number, base: string | undefined, target: string): number {
  if (base === undefined) {
    if (chain.length <= topIndex + 1) throw invalidArg(`could not find base image in chain for '${target}'`);
    return chain.length - 1;
  }
  const i = indexOf(chain, base, topIndex + 1);
  if (i < 0) throw invalidArg(`could not find image '${base}' beneath '${chain[topIndex]?.file ?? ''}' in chain for '${target}'`);
  return i;
}
