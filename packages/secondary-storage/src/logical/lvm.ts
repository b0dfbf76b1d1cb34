/** The LVM command lines libvirt's logical backend runs, and the parsing of what they print. */

/** `vgchange -aly NAME` / `-aln`: activate or deactivate a volume group's logical volumes. */
export const vgchangeArgs = (vg: string, active: boolean): string[] => [active ? '-aly' : '-aln', vg];

/** `vgcreate NAME DEVICE...` after `pvcreate DEVICE` for each device. */
export const vgcreateArgs = (vg: string, devices: readonly string[]): string[] => [vg, ...devices];

/** `vgremove -f NAME`, then `pvremove DEVICE` for each device. */
export const vgremoveArgs = (vg: string): string[] => ['-f', vg];

/** The sizes of a volume group, in bytes: `vgs ... vg_size,vg_free NAME`. */
export const vgsArgs = (vg: string): string[] =>
  ['--separator', ':', '--noheadings', '--units', 'b', '--unbuffered', '--nosuffix', '--options', 'vg_size,vg_free', vg];

/** The fields libvirt asks `lvs` for, one line per segment. */
const LV_FIELDS = 'lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr';
export const lvsArgs = (vg: string): string[] =>
  ['--separator', '#', '--noheadings', '--units', 'b', '--unbuffered', '--nosuffix', '--options', LV_FIELDS, vg];

/** `pvs` as source discovery runs it: every physical volume and its group. */
export const PVS_ARGS: readonly string[] = ['--noheadings', '-o', 'pv_name,vg_name'];

/** What lvcreate needs of a new volume: capacity and allocation in bytes, an optional origin to snapshot. */
export interface NewLV {
  readonly name: string;
  readonly capacity: bigint;
  readonly allocation: bigint;
  readonly backingPath?: string;
}

const kib = (bytes: bigint): string => `${(bytes + 1023n) / 1024n}K`;

/**
 * `lvcreate` as libvirt builds it: `-L` the size in KiB; a volume whose allocation differs from its
 * capacity is a thin snapshot of the allocation with `--virtualsize` the capacity; with a backing
 * store a snapshot of it (`-s PATH`), else the group's name.
 */
export function lvcreateArgs(vg: string, lv: NewLV): string[] {
  const args = ['--name', lv.name, '-L'];
  if (lv.capacity !== lv.allocation) args.push(kib(lv.allocation > 0n ? lv.allocation : 1n), '--type', 'snapshot', '--virtualsize');
  args.push(kib(lv.capacity));
  args.push(...(lv.backingPath !== undefined ? ['-s', lv.backingPath] : [vg]));
  return args;
}

/** `lvresize --size NK PATH`: a logical volume grown to `capacity` bytes (libvirt's rules keep it from shrinking). */
export const lvresizeArgs = (path: string, capacity: bigint): string[] => ['--size', kib(capacity), path];

/** `lvremove -f PATH`. */
export const lvremoveArgs = (path: string): string[] => ['-f', path];

/** A volume group's sizes from `vgs` (`size:free`). */
export function parseVgs(text: string): { capacity: bigint; available: bigint } {
  const [size, free] = text.trim().split(':').map((f) => f.trim());
  if (!size || !free || !/^\d+$/.test(size) || !/^\d+$/.test(free)) throw new Error(`cannot parse vgs output '${text.trim()}'`);
  return { capacity: BigInt(size), available: BigInt(free) };
}

/** One logical volume as `lvs` describes it (its segments summed). */
export interface LogicalVolume {
  readonly name: string;
  readonly uuid: string;
  readonly origin?: string;
  readonly devices: readonly string[];
  readonly size: bigint;
  readonly attr: string;
}

/**
 * Parses `lvs` with libvirt's fields: one line per segment, fields separated by `#`; a volume's
 * devices are those of all its segments (`/dev/sdb(0),/dev/sdc(0)` without the extents).
 */
export function parseLvs(text: string): LogicalVolume[] {
  const byName = new Map<string, LogicalVolume>();
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const f = line.split('#');
    if (f.length < 10) throw new Error(`cannot parse lvs output '${line}'`);
    const [name, origin, uuid, devices, , , , , size, attr] = f as [string, string, string, string, string, string, string, string, string, string];
    const devs = devices.split(',').map((d) => d.replace(/\(\d+\)$/, '')).filter(Boolean);
    const seen = byName.get(name);
    byName.set(name, {
      name, uuid, ...(origin ? { origin } : {}), devices: [...(seen?.devices ?? []), ...devs.filter((d) => !seen?.devices.includes(d))],
      size: BigInt(size || '0'), attr,
    });
  }
  return [...byName.values()];
}

/** Physical volumes by volume group from `pvs` (`PV VG` per line; PVs in no group are left out). */
export function parsePvs(text: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [pv, vg] = line.split(/\s+/);
    if (!pv || !vg) continue;
    groups.set(vg, [...(groups.get(vg) ?? []), pv]);
  }
  return groups;
}
