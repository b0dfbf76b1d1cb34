import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { child, childText, type Binding, type Fields } from '../../model/binding.js';
import type { Codec } from '../../model/codec.js';
import type { XmlElement } from '../../xml/xml-node.js';

/** The limits of `<iotune>` that are unsigned long longs, by XML name, in libvirt's format order. */
export const DISK_IOTUNE_LIMITS = [
  'total_bytes_sec', 'read_bytes_sec', 'write_bytes_sec', 'total_iops_sec', 'read_iops_sec', 'write_iops_sec',
  'total_bytes_sec_max', 'read_bytes_sec_max', 'write_bytes_sec_max', 'total_iops_sec_max', 'read_iops_sec_max',
  'write_iops_sec_max', 'size_iops_sec', 'total_bytes_sec_max_length', 'read_bytes_sec_max_length',
  'write_bytes_sec_max_length', 'total_iops_sec_max_length', 'read_iops_sec_max_length', 'write_iops_sec_max_length',
] as const;
export type DiskIotuneLimit = (typeof DISK_IOTUNE_LIMITS)[number];

/** Every child of `<iotune>` in libvirt's format order: `group_name` sits after `size_iops_sec`. */
export const DISK_IOTUNE_ORDER: readonly string[] = [
  ...DISK_IOTUNE_LIMITS.slice(0, 13), 'group_name', ...DISK_IOTUNE_LIMITS.slice(13),
];

const ULLONG_MAX = 2n ** 64n - 1n;

/** An unsigned long long limit; libvirt words a bad one by the field's name. */
function limit(field: string): Codec<bigint> {
  return {
    decode(s) {
      const t = s.trim();
      if (/^\d+$/.test(t) && BigInt(t) <= ULLONG_MAX) return BigInt(t);
      throw new VirError(ErrorCode.XML_ERROR, `disk iotune field '${field}' must be an integer`, ErrorDomain.DOMAIN);
    },
    encode: (v) => String(v),
  };
}

/** A limit's child; libvirt reads 0 as no limit and never writes it. */
function limitChild(field: string): Binding<bigint> {
  const text = childText(field, limit(field));
  return { ...text, read: (el) => (text.read(el) === 0n ? undefined : text.read(el)) };
}

const shape = () => ({
  ...Object.fromEntries(DISK_IOTUNE_LIMITS.map((f) => [f, limitChild(f)])) as Record<DiskIotuneLimit, Binding<bigint>>,
  group_name: childText('group_name'),
});

/** A disk's `<iotune>`: its I/O limits, keyed by libvirt's names (bytes or operations per second, seconds for `_length`). */
export type DiskIotune = Fields<ReturnType<typeof shape>>;

let element: Binding<DiskIotune> | undefined;
/** `<iotune>`'s binding, made when a disk's iotune is first read or written rather than at load. */
const iotune = (): Binding<DiskIotune> => (element ??= child('iotune', shape()));
const hasAny = (t: DiskIotune | undefined): t is DiskIotune => t !== undefined && Object.values(t).some((v) => v !== undefined);

/**
 * `<iotune>` of a disk; one that sets nothing is absent, as libvirt never writes it. The element's
 * children are put in libvirt's order when the domain is formatted.
 */
export const DISK_IOTUNE: Binding<DiskIotune> = {
  writes: { child: 'iotune' },
  read: (el) => { const t = iotune().read(el); return hasAny(t) ? t : undefined; },
  write: (el, v) => iotune().write(el, hasAny(v) ? v : undefined),
};

/** The pairs libvirt refuses together: a total limit beside a read or write one of the same kind. */
const EXCLUSIVE = ['bytes_sec', 'iops_sec', 'bytes_sec_max', 'iops_sec_max'] as const;

/** The first kind (`bytes_sec`, ...) whose total limit is set beside a read or write one, or undefined. */
export function iotuneConflict(t: DiskIotune): (typeof EXCLUSIVE)[number] | undefined {
  const set = (f: DiskIotuneLimit): boolean => (t[f] ?? 0n) !== 0n;
  return EXCLUSIVE.find((k) => set(`total_${k}`) && (set(`read_${k}`) || set(`write_${k}`)));
}

/** A disk element's `<iotune>` as libvirt keeps it: zero limits gone, and the element gone when nothing is left. */
export function normalizeIotune(disk: XmlElement): void {
  DISK_IOTUNE.write(disk, DISK_IOTUNE.read(disk));
}
