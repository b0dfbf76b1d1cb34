import { domainPart, toKiB, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DeviceOf } from '../devices/typed-devices.js';

type MemoryDevice = DeviceOf<'memory'>;
type Target = NonNullable<MemoryDevice['target']>;

const detail = (what: string): VirError => new VirError(ErrorCode.XML_DETAIL, what, ErrorDomain.DOMAIN);

const SIZES = [['size', 'sizeUnit'], ['block', 'blockUnit'], ['requested', 'requestedUnit'], ['current', 'currentUnit'], ['labelSize', 'labelSizeUnit']] as const;

/** A memory device as libvirt parses one given to a device call: every size in KiB, an alias kept. */
export function memoryInKiB(m: MemoryDevice): MemoryDevice {
  if (!m.target) return m;
  const target: Target = { ...m.target };
  for (const [size, unit] of SIZES) {
    const value = m.target[size];
    if (value === undefined) continue;
    target[size] = toKiB(value, m.target[unit]);
    target[unit] = 'KiB';
  }
  const src = m.source;
  const pagesize = src?.pagesize === undefined ? undefined : toKiB(src.pagesize, src.pagesizeUnit);
  return { ...m, target, ...(src ? { source: { ...src, pagesize, pagesizeUnit: pagesize === undefined ? undefined : 'KiB' } } : {}) };
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/**
 * libvirt's checks of a memory device given to a device call, against the definition it is for
 * (its sizes already in KiB): virtio-pmem's path, virtio-mem's block and requested sizes, and the
 * guest NUMA node.
 */
export function validateMemoryDevice(def: DomainDef, m: MemoryDevice): void {
  const t = m.target ?? {};
  if (m.model === 'virtio-pmem' && m.source?.path === undefined) throw detail("path is required for model 'virtio-pmem'");
  if (m.model === 'virtio-mem') {
    const block = t.block ?? 0;
    if (!isPowerOfTwo(block)) throw detail('block size must be a power of two');
    const requested = t.requested ?? 0;
    if (requested > (t.size ?? 0)) throw detail(`requested size must be smaller than or equal to @size (${t.size ?? 0}KiB)`);
    if (requested % block !== 0) throw detail('requested size must be an integer multiple of block size');
  }
  const cells = domainPart(def, 'cpu')?.numa?.cells?.length ?? 0;
  if (t.node !== undefined && cells > 0 && t.node >= cells) {
    throw detail(`can't add memory backend for guest node '${t.node}' as the guest has only '${cells}' NUMA nodes configured`);
  }
}
