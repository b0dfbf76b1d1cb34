/** One partition or free extent of a disk as `parted -m unit B print free` lists it. */
export interface DiskExtent {
  /** The partition number (free extents have none). */
  readonly num?: number;
  /** First and last byte, inclusive, as parted counts. */
  readonly start: bigint;
  readonly end: bigint;
  readonly size: bigint;
  /** The file system parted sees in a partition (`ext2`, `linux-swap(v1)`, ...). */
  readonly fs?: string;
}

/** A disk's label and extents. */
export interface DiskLayout {
  readonly size: bigint;
  /** parted's label name (`msdos`, `gpt`, `unknown`). */
  readonly label: string;
  readonly partitions: readonly DiskExtent[];
  readonly free: readonly DiskExtent[];
}

/** parted's name of libvirt's disk pool format (`dos` is `msdos` to parted; unknown builds as dos). */
export const partedLabel = (format: string): string => (format === 'dos' || format === 'unknown' ? 'msdos' : format);

/** libvirt's (and blkid's) name of a parted label. */
export const labelFormat = (label: string): string => (label === 'msdos' ? 'dos' : label);

const bytes = (field: string | undefined): bigint => BigInt((field ?? '0').replace(/B$/, '') || '0');

/**
 * Parses `parted -m -s DEVICE unit B print free`: a `BYT;` line, the device line
 * (path:size:transport:logical:physical:label:model:flags;) and one line per partition
 * (num:start:end:size:fs:name:flags;) or free extent (num:start:end:size:free;).
 */
export function parsePartedPrint(text: string): DiskLayout {
  const lines = text.split('\n').map((l) => l.trim().replace(/;$/, '')).filter((l) => l && l !== 'BYT');
  const [device, ...rest] = lines;
  const head = (device ?? '').split(':');
  const partitions: DiskExtent[] = [];
  const free: DiskExtent[] = [];
  for (const line of rest) {
    const f = line.split(':');
    const extent = { start: bytes(f[1]), end: bytes(f[2]), size: bytes(f[3]) };
    if (f[4] === 'free') free.push(extent);
    else partitions.push({ num: Number(f[0]), ...extent, ...(f[4] ? { fs: f[4] } : {}) });
  }
  return { size: bytes(head[1]), label: head[5] ?? 'unknown', partitions, free };
}

/** The device of partition `num` of `disk`: a `p` between when the disk's name ends in a digit (loop0p1, nvme0n1p1). */
export const partitionPath = (disk: string, num: number): string => `${disk}${/\d$/.test(disk) ? 'p' : ''}${num}`;

/** The file system type parted's mkpart is given for a libvirt partition format (none for `none`). */
const PARTED_FS: ReadonlyMap<string, string> = new Map([
  ['linux', 'ext2'], ['fat16', 'fat16'], ['fat32', 'fat32'], ['linux-swap', 'linux-swap'],
  ['linux-lvm', 'ext2'], ['linux-raid', 'ext2'], ['extended', 'extended'],
]);

/** The libvirt partition format of a partition from the file system parted reports in it. */
export function partitionFormat(fs: string | undefined): string {
  if (!fs) return 'none';
  if (fs.startsWith('linux-swap')) return 'linux-swap';
  if (fs.startsWith('fat')) return fs;
  return fs.startsWith('ext') || fs === 'xfs' || fs === 'btrfs' ? 'linux' : 'none';
}

/** The arguments of `parted` making a partition of libvirt's `format` over bytes `[start, end]`, as libvirt runs it. */
export function mkpartArgs(disk: string, format: string, start: bigint, end: bigint): string[] {
  const type = format === 'extended' ? 'extended' : 'primary';
  const fs = format === 'extended' ? undefined : PARTED_FS.get(format);
  return [disk, 'mkpart', '--script', type, ...(fs ? [fs] : []), `${start}B`, `${end}B`];
}

/** Partitions start on 1 MiB boundaries, as parted aligns them for today's disks. */
export const PARTITION_ALIGN = 1024n * 1024n;

/** Where a partition of `size` bytes fits: the first free extent that holds it from an aligned start. */
export function placePartition(layout: DiskLayout, size: bigint): { start: bigint; end: bigint } | undefined {
  for (const extent of layout.free) {
    const start = ((extent.start + PARTITION_ALIGN - 1n) / PARTITION_ALIGN) * PARTITION_ALIGN;
    if (start + size - 1n <= extent.end) return { start, end: start + size - 1n };
  }
  return undefined;
}

/** The number the next partition gets: the lowest one not in use (msdos primaries: 1 to 4). */
export function nextPartitionNumber(layout: DiskLayout): number {
  const used = new Set(layout.partitions.map((p) => p.num));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

/** A partition's size in whole 512-byte sectors, as parted places partitions. */
const SECTOR = 512n;

/**
 * `parted` growing partition `num` (starting at byte `start`) to `capacity` bytes, rounded up to a
 * whole sector: `resizepart N ENDB` (the end byte inclusive).
 */
export function resizepartArgs(disk: string, num: number, start: bigint, capacity: bigint): string[] {
  const end = start + ((capacity + SECTOR - 1n) / SECTOR) * SECTOR - 1n;
  return ['--script', disk, 'unit', 'B', 'resizepart', String(num), `${end}B`];
}

/** The free extent right after a partition (what it can grow into), if any. */
export function freeAfter(layout: DiskLayout, part: DiskExtent): DiskExtent | undefined {
  return layout.free.find((f) => f.start === part.end + 1n);
}
