import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import { getValue, setValue } from './cgroup-ops.js';
import { dirFor, type CgroupTree } from './cgroup-tree.js';

const D = ErrorDomain.CGROUP;

/** A per-device blkio setting: `<blkiotune><device>`'s children, as the domain model names them. */
export type BlkioDeviceKey = 'weight' | 'readIopsSec' | 'writeIopsSec' | 'readBytesSec' | 'writeBytesSec';

/** Each per-device setting: its typed-parameter field, its v1 file, its v2 `io.max` key (weight: `io.weight`). */
export const BLKIO_DEVICE_KEYS: ReadonlyArray<{ key: BlkioDeviceKey; field: string; v1: string; v2: string }> = [
  { key: 'weight', field: 'device_weight', v1: 'blkio.weight_device', v2: '' },
  { key: 'readIopsSec', field: 'device_read_iops_sec', v1: 'blkio.throttle.read_iops_device', v2: 'riops' },
  { key: 'writeIopsSec', field: 'device_write_iops_sec', v1: 'blkio.throttle.write_iops_device', v2: 'wiops' },
  { key: 'readBytesSec', field: 'device_read_bytes_sec', v1: 'blkio.throttle.read_bps_device', v2: 'rbps' },
  { key: 'writeBytesSec', field: 'device_write_bytes_sec', v1: 'blkio.throttle.write_bps_device', v2: 'wbps' },
];

/** `MAJOR:MINOR` of a block device (libvirt's virCgroupGetBlockDevString). */
export function blockDevString(path: string): string {
  let st;
  try {
    st = statSync(path, { bigint: true });
  } catch (e) {
    throw systemError(`Path '${path}' is not accessible`, e as NodeJS.ErrnoException, D);
  }
  if (!st.isBlockDevice()) {
    const e: NodeJS.ErrnoException = Object.assign(new Error('not a block device'), { code: 'EINVAL' });
    throw systemError(`Path '${path}' must be a block device`, e, D);
  }
  const rdev = st.rdev;
  // glibc's major()/minor() of a 64-bit dev_t.
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** The weight file this hierarchy has (bfq's first, as libvirt); none when the I/O scheduler has no weights. */
function weightFile(tree: CgroupTree, dirs: readonly string[]): { file: string; prefix: string } {
  const dir = dirFor(tree, dirs, 'blkio');
  const [bfq, plain, prefix] = tree.version === 2 ? ['io.bfq.weight', 'io.weight', 'default '] : ['blkio.bfq.weight', 'blkio.weight', ''];
  if (dir && existsSync(join(dir, bfq))) return { file: bfq, prefix: '' };
  if (dir && (tree.fake || existsSync(join(dir, plain)))) return { file: plain, prefix };
  throw new VirError(ErrorCode.OPERATION_INVALID, 'blkio device weight is valid only for bfq or cfq scheduler', D);
}

/** Whether the container's cgroup has the blkio (v2: io) controller; libvirt refuses live blkiotune without it. */
export function requireBlkio(tree: CgroupTree, dirs: readonly string[]): void {
  if (!dirFor(tree, dirs, 'blkio')) throw new VirError(ErrorCode.OPERATION_INVALID, "blkio cgroup isn't mounted", ErrorDomain.LXC);
}

export async function setBlkioWeight(tree: CgroupTree, dirs: readonly string[], weight: number): Promise<void> {
  const { file, prefix } = weightFile(tree, dirs);
  await setValue(tree, dirs, 'blkio', file, `${prefix}${weight}`);
}

export async function blkioWeight(tree: CgroupTree, dirs: readonly string[]): Promise<number> {
  const { file } = weightFile(tree, dirs);
  const text = (await getValue(tree, dirs, 'blkio', file)) ?? '';
  const v = /^(?:default )?(\d+)/.exec(text)?.[1];
  if (v === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `Unable to parse '${text}' as an integer`, D);
  return Number(v);
}

/** The file (and, on v2, the `io.max` key) one per-device setting lives in; device weights need a weight-capable scheduler. */
function deviceFile(tree: CgroupTree, dirs: readonly string[], key: BlkioDeviceKey): { file: string; v2key: string } {
  const k = BLKIO_DEVICE_KEYS.find((x) => x.key === key)!;
  const dir = dirFor(tree, dirs, 'blkio');
  const file = tree.version === 2 ? (key === 'weight' ? 'io.weight' : 'io.max') : k.v1;
  if (!dir || (!tree.fake && !existsSync(join(dir, file)))) {
    if (key === 'weight') throw new VirError(ErrorCode.OPERATION_INVALID, 'blkio device weight is valid only for cfq scheduler', D);
    throw new VirError(ErrorCode.OPERATION_INVALID, "blkio cgroup isn't mounted", ErrorDomain.LXC);
  }
  return { file, v2key: tree.version === 2 ? k.v2 : '' };
}

/** Writes one per-device setting of a block device (0 lifts a limit) and reads back what the kernel kept. */
export async function setBlkioDevice(tree: CgroupTree, dirs: readonly string[], path: string, key: BlkioDeviceKey, value: bigint): Promise<bigint> {
  const dev = blockDevString(path);
  const { file, v2key } = deviceFile(tree, dirs, key);
  const text = v2key ? `${dev} ${v2key}=${value === 0n ? 'max' : value}` : `${dev} ${value}`;
  await setValue(tree, dirs, 'blkio', file, text);
  return blkioDevice(tree, dirs, path, key);
}

/** One per-device setting of a block device as the cgroup has it; 0 when none is set. */
export async function blkioDevice(tree: CgroupTree, dirs: readonly string[], path: string, key: BlkioDeviceKey): Promise<bigint> {
  const dev = blockDevString(path);
  const { file, v2key } = deviceFile(tree, dirs, key);
  const line = ((await getValue(tree, dirs, 'blkio', file)) ?? '').split('\n').find((l) => l.startsWith(`${dev} `));
  const rest = line?.slice(dev.length + 1) ?? '';
  const v = v2key ? new RegExp(`(?:^| )${v2key}=(\\d+)`).exec(rest)?.[1] : /^\d+/.exec(rest)?.[0];
  return v === undefined ? 0n : BigInt(v);
}
