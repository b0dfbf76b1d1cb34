import { DISK_IOTUNE_LIMITS, iotuneConflict, parseDomainXML, type DiskIotune, type DiskIotuneLimit, type DomainDef } from '@tsvirt/conf';
import {
  BLOCK_IOTUNE_PARAM_TYPES, blockIotuneParams, DOMAIN_BLOCK_IOTUNE_FIELDS, DomainModificationImpact as I, TypedParameterFlags,
  validateTypedParams, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { diskBus, type Disk } from '../devices/qemu-disk.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { applyChange } from '../driver/domain-resources.js';
import type { DriverContext } from '../driver/driver-context.js';
import { modificationImpact } from '../driver/modification-impact.js';
import { withMonitor } from '../driver/monitor.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, type StoredDomain } from '../state/qemu-store.js';

const D = ErrorDomain.QEMU;
const GET_FLAGS = I.LIVE | I.CONFIG | TypedParameterFlags.STRING_OKAY;

/** libvirt's QEMU_BLOCK_IOTUNE_MAX: the largest limit it passes to QEMU. */
const LIMIT_MAX = 1_000_000_000_000_000n;

/** QEMU's block_set_io_throttle argument of each libvirt limit. */
const QMP_NAMES: Readonly<Record<DiskIotuneLimit, string>> = {
  total_bytes_sec: 'bps', read_bytes_sec: 'bps_rd', write_bytes_sec: 'bps_wr',
  total_iops_sec: 'iops', read_iops_sec: 'iops_rd', write_iops_sec: 'iops_wr',
  total_bytes_sec_max: 'bps_max', read_bytes_sec_max: 'bps_rd_max', write_bytes_sec_max: 'bps_wr_max',
  total_iops_sec_max: 'iops_max', read_iops_sec_max: 'iops_rd_max', write_iops_sec_max: 'iops_wr_max',
  size_iops_sec: 'iops_size',
  total_bytes_sec_max_length: 'bps_max_length', read_bytes_sec_max_length: 'bps_rd_max_length',
  write_bytes_sec_max_length: 'bps_wr_max_length', total_iops_sec_max_length: 'iops_max_length',
  read_iops_sec_max_length: 'iops_rd_max_length', write_iops_sec_max_length: 'iops_wr_max_length',
};

/** The limits a `_max` burst must not be below, in the order libvirt checks them. */
const BURSTABLE = ['total_bytes_sec', 'read_bytes_sec', 'write_bytes_sec', 'total_iops_sec', 'read_iops_sec', 'write_iops_sec'] as const;

/**
 * The family a parameter belongs to, as libvirt sets them: giving one of total/read/write of a kind
 * (`bytes_sec`, `iops_sec_max_length`, ...) resets the other two; size and the group stand alone.
 */
function family(field: string): string {
  return field === 'size_iops_sec' || field === 'group_name' ? field : field.replace(/^(?:total|read|write)_/, '');
}

/** libvirt's virDomainDiskByName: a path names a disk by its source, anything else by its target. */
function diskByName(def: DomainDef, name: string): Disk | undefined {
  const source = (d: Disk): string | undefined => d.source && (d.source.file ?? d.source.dev ?? d.source.name);
  return devicesOf(def.devices, 'disk').find((d) => (name.startsWith('/') ? source(d) === name : d.target?.dev === name));
}

/** The QOM name QEMU knows a disk's frontend by: a virtio device's backend child, others their id. */
function qomName(d: Disk): string {
  return diskBus(d) === 'virtio' ? `/machine/peripheral/${d.alias}/virtio-backend` : d.alias!;
}

/** block_set_io_throttle with every limit (a `_max_length` only when set: QEMU's default is 1). */
function setThrottle(mon: QmpClient, d: Disk, t: DiskIotune): Promise<unknown> {
  const args: Record<string, unknown> = { id: qomName(d) };
  for (const f of DISK_IOTUNE_LIMITS) {
    const v = Number(t[f] ?? 0n);
    if (!f.endsWith('_max_length') || v) args[QMP_NAMES[f]] = v;
  }
  if (t.group_name) args['group'] = t.group_name;
  return mon.execute('block_set_io_throttle', args);
}

/** At start, as libvirt's qemuProcessSetupDiskThrottling: each disk with a source and `<iotune>` told to QEMU. */
export function throttleSetup(mon: QmpClient, def: DomainDef): Array<Promise<unknown>> {
  return devicesOf(def.devices, 'disk')
    .filter((d) => d.iotune && d.source && diskBus(d) !== 'sd')
    .map((d) => setThrottle(mon, d, d.iotune!));
}

/** virDomainGetBlockIoTune asked for the count: libvirt checks the flags and the domain's state, not the disk. */
export function blockIoTuneCount(d: StoredDomain, flags: number): number {
  checkFlags(flags, GET_FLAGS, 'qemuDomainGetBlockIoTune', D);
  modificationImpact(d, flags & ~TypedParameterFlags.STRING_OKAY);
  return DOMAIN_BLOCK_IOTUNE_FIELDS.length;
}

type QemuThrottle = Readonly<Record<string, number | string | undefined>>;

interface BlockInfo {
  readonly qdev?: string;
  readonly inserted?: QemuThrottle;
}

/**
 * virDomainGetBlockIoTune as libvirt 9.0's QEMU driver: a running disk's limits as QEMU reports
 * them (`query-block`; its group is QEMU's, the device's QOM path when none was named), the
 * persistent disk's from `<iotune>`; 0 and '' where nothing is set.
 */
export async function getBlockIoTune(d: StoredDomain, disk: string, flags: number): Promise<TypedParameter[]> {
  checkFlags(flags, GET_FLAGS, 'qemuDomainGetBlockIoTune', D);
  if (!modificationImpact(d, flags & ~TypedParameterFlags.STRING_OKAY).live) {
    const found = diskByName(d.persistentDef!, disk);
    if (!found) throw new VirError(ErrorCode.INVALID_ARG, `disk '${disk}' was not found in the domain config`, D);
    return blockIotuneParams(found.iotune ?? {});
  }
  const s = d.status as ActiveStatus;
  const found = diskByName(parseDomainXML(s.xml, { arch: GUEST_ARCH }), disk);
  if (!found) throw new VirError(ErrorCode.INVALID_ARG, `disk '${disk}' not found in domain`, D);
  const blocks = await withMonitor(s, (mon) => mon.execute<BlockInfo[]>('query-block'));
  const q = blocks.find((b) => b.qdev === qomName(found))?.inserted ?? {};
  const t: DiskIotune = { group_name: typeof q['group'] === 'string' ? q['group'] : undefined };
  for (const f of DISK_IOTUNE_LIMITS) t[f] = BigInt(Number(q[QMP_NAMES[f]] ?? 0));
  // QEMU's burst length means nothing without its burst: libvirt reads it as 0 then.
  for (const f of DISK_IOTUNE_LIMITS.filter((l) => l.endsWith('_max_length'))) {
    if (!t[f.replace(/_length$/, '') as DiskIotuneLimit]) t[f] = 0n;
  }
  return blockIotuneParams(t);
}

/** The given parameters as limits, and the families they set. */
function requested(params: readonly TypedParameter[]): { info: DiskIotune; set: Set<string> } {
  const info: DiskIotune = {};
  const set = new Set<string>();
  for (const p of params) {
    set.add(family(p.field));
    if (p.field === 'group_name') {
      info.group_name = p.value as string;
      continue;
    }
    if ((p.value as bigint) > LIMIT_MAX) {
      throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `block I/O throttle limit value must be no more than ${LIMIT_MAX}`, D);
    }
    info[p.field as DiskIotuneLimit] = p.value as bigint;
  }
  return { info, set };
}

/** The limits a disk shares: those of another disk already in the group being joined, else its own. */
function groupLimits(def: DomainDef, disk: Disk, group: string | undefined): DiskIotune {
  if (!group || disk.iotune?.group_name === group) return disk.iotune ?? {};
  return devicesOf(def.devices, 'disk').find((o) => o.iotune?.group_name === group)?.iotune ?? disk.iotune ?? {};
}

/**
 * The new limits: the families not given kept from `old`; a `_max_length` given as 0 while it
 * was set becomes 1 when its kind had a limit (QEMU refuses 0), as libvirt's defaults do.
 */
function withDefaults(info: DiskIotune, old: DiskIotune, set: ReadonlySet<string>): DiskIotune {
  const next: DiskIotune = { ...info };
  for (const f of [...DISK_IOTUNE_LIMITS, 'group_name'] as const) {
    if (!set.has(family(f))) {
      next[f as DiskIotuneLimit] = old[f] as bigint | undefined;
    } else if (f.endsWith('_max_length') && old[f as DiskIotuneLimit] && !next[f as DiskIotuneLimit]) {
      const base = f.slice(0, -'_max_length'.length) as DiskIotuneLimit;
      next[f as DiskIotuneLimit] = old[base] || old[`${base}_max` as DiskIotuneLimit] ? 1n : undefined;
    }
  }
  return next;
}

/** libvirt's checks of a running disk's new limits: each burst above its limit, and no empty group. */
function checkLive(next: DiskIotune, disk: Disk): void {
  for (const f of BURSTABLE) {
    const max = next[`${f}_max`] ?? 0n;
    if (!max) continue;
    if (!next[f]) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `cannot reset '${f}' when '${f}_max' is set`, D);
    if (max < next[f]!) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `value '${f}_max' cannot be smaller than '${f}'`, D);
  }
  if (DISK_IOTUNE_LIMITS.some((f) => next[f])) return;
  if (next.group_name && next.group_name !== disk.iotune?.group_name) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'creating a new group/updating existing with all tune parameters zero is not supported', D);
  }
  // All zero removes the throttle, and the disk from its group.
  next.group_name = undefined;
}

/** Zero limits and an empty group are absent from `<iotune>`. */
const cleaned = (t: DiskIotune): DiskIotune =>
  Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined && v !== 0n && v !== '')) as DiskIotune;

/**
 * virDomainSetBlockIoTune as libvirt 9.0's QEMU driver: the limits given merged family by family
 * into the disk's (or its new group's), a running disk's checked and set through
 * `block_set_io_throttle` before its live `<iotune>` changes, the persistent disk's written as given.
 */
export async function setBlockIoTune(drv: DriverContext, d: StoredDomain, disk: string, params: readonly TypedParameter[], flags: number): Promise<void> {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainSetBlockIoTune', D);
  validateTypedParams(params, BLOCK_IOTUNE_PARAM_TYPES);
  const { info, set } = requested(params);
  const conflict = iotuneConflict(info);
  if (conflict) throw new VirError(ErrorCode.INVALID_ARG, `total and read/write of ${conflict} cannot be set at the same time`, D);
  let target: { disk: Disk; next: DiskIotune } | undefined;
  await applyChange(drv, d, flags, (def, live) => {
    const found = diskByName(def, disk);
    if (!found) {
      throw new VirError(ErrorCode.INVALID_ARG, live ? `disk '${disk}' not found in domain` : `missing persistent configuration for disk '${disk}'`, D);
    }
    if (live && found.type === 'vhostuser') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'a block I/O throttling is not supported for vhostuser disk', D);
    const next = withDefaults(info, groupLimits(def, found, info.group_name), set);
    if (live) {
      checkLive(next, found);
      target = { disk: found, next };
    }
    const iotune = cleaned(next);
    writeBack(def, { ...found, iotune });
    // A group has one set of limits: every other member takes the new ones, as libvirt copies them.
    for (const other of devicesOf(def.devices, 'disk')) {
      if (iotune.group_name && other.iotune?.group_name === iotune.group_name && other.target?.dev !== found.target?.dev) writeBack(def, { ...other, iotune });
    }
  }, async (s) => {
    await withMonitor(s, (mon) => setThrottle(mon, target!.disk, target!.next));
  });
}
