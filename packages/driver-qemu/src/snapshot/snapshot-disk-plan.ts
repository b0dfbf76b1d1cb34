import { domainPart, snapshotDiskElements, snapshotDisks, type DomainDef, type DomainSnapshotDef, type SnapshotDisk } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, type QemuDisk } from '../devices/qemu-disk.js';

/** A guest disk and how a snapshot captures it (`internal` or `no`). */
export interface PlannedDisk {
  readonly disk: QemuDisk;
  readonly snapshot: string;
}

const unsupported = (text: string, d: ErrorDomain = ErrorDomain.DOMAIN_SNAPSHOT): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, text, d);

/** The guest disk a snapshot's `<disk name>` names: by target, or by its source path, as libvirt finds it. */
function diskNamed(disks: readonly QemuDisk[], name: string): QemuDisk | undefined {
  return disks.find((d) => d.target === name) ?? disks.find((d) => d.path !== undefined && d.path === name);
}

/**
 * libvirt's virDomainSnapshotAlignDisks with internal as the default: each disk the XML names
 * must exist once; every other disk is captured as its own `snapshot=` says, else internally,
 * except an empty drive, which is never captured. The result is in the domain's disk order.
 */
export function alignDisks(snap: DomainSnapshotDef, dom: DomainDef): PlannedDisk[] {
  const disks = disksOf(dom.devices);
  const given = snapshotDisks(snap) ?? [];
  if (given.length > disks.length) throw unsupported('too many disk snapshot requests for domain');
  const asked = new Map<QemuDisk, SnapshotDisk>();
  for (const g of given) {
    const name = g.name ?? '';
    const disk = diskNamed(disks, name);
    if (!disk) throw unsupported(`no disk named '${name}'`);
    if (asked.has(disk)) throw unsupported(`disk '${name}' specified twice`);
    asked.set(disk, g);
  }
  return disks.map((disk) => {
    const empty = disk.type !== 'network' && disk.path === undefined && disk.volume === undefined;
    const own = disk.disk.snapshot === 'default' ? undefined : disk.disk.snapshot;
    const snapshot = asked.get(disk)?.snapshot ?? (empty ? 'no' : own ?? 'internal');
    return { disk, snapshot };
  });
}

/** The `<disks>` a snapshot records for a plan. */
export const plannedDiskElements = (plan: readonly PlannedDisk[]): NonNullable<DomainSnapshotDef['disks']> =>
  snapshotDiskElements(plan.map((p) => ({ name: p.disk.target, snapshot: p.snapshot })));

/**
 * libvirt's qemuSnapshotPrepare for internal snapshots: only internal or no disks (external ones
 * are not built here), qcow2 images only, local files when the domain is off, every disk with
 * media included, the memory with them when the guest runs.
 */
export function checkInternalPlan(plan: readonly PlannedDisk[], memory: string, active: boolean, dom: DomainDef): void {
  let internal = false;
  let excluded = false;
  for (const { disk, snapshot } of plan) {
    if (snapshot === 'external' || snapshot === 'manual') {
      throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `${snapshot} snapshots of disk ${disk.target} are not supported by this driver`, ErrorDomain.QEMU);
    }
    if (snapshot === 'no') {
      if (disk.path !== undefined || disk.type === 'network') excluded = true;
      continue;
    }
    internal = true;
    if (!active && disk.type !== 'file' && disk.type !== 'block') {
      throw unsupported(`internal inactive snapshots are not supported on '${disk.type}' disks`, ErrorDomain.QEMU);
    }
    const format = disk.disk.driver?.type;
    if (format !== undefined && format !== 'qcow2') {
      throw unsupported(`internal snapshot for disk ${disk.target} unsupported for storage type ${format}`, ErrorDomain.QEMU);
    }
  }
  if (memory === 'external') {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'external memory snapshots are not supported by this driver', ErrorDomain.QEMU);
  }
  if ((memory === 'internal' && !internal) || (internal && excluded)) {
    throw unsupported('internal and full system snapshots require all disks to be selected for snapshot', ErrorDomain.QEMU);
  }
  if (active && memory === 'no' && internal) throw unsupported('internal snapshot of a running VM must include the memory state', ErrorDomain.QEMU);
  if (!internal && memory === 'no') throw unsupported('nothing selected for snapshot', ErrorDomain.QEMU);
  if (internal && domainPart(dom, 'os')?.loader?.type === 'pflash') {
    throw unsupported('internal snapshots of a VM with pflash based firmware are not supported', ErrorDomain.QEMU);
  }
}
