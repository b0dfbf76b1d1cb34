import { statSync } from 'node:fs';
import { snapshotDiskElements, snapshotDisks, type DomainDef, type DomainSnapshotDef, type SnapshotDisk } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, type QemuDisk } from '../devices/qemu-disk.js';

/** The new image an external disk snapshot puts on top of a disk. */
export interface Overlay {
  /** `file` or `block`. */
  readonly type: string;
  readonly path: string;
  /** The overlay's format; undefined until libvirt's default (qcow2) is applied. */
  readonly format: string | undefined;
}

/** A guest disk and how a snapshot captures it (`internal`, `external` with its overlay, `no`, `manual`). */
export interface PlannedDisk {
  readonly disk: QemuDisk;
  readonly snapshot: string;
  readonly overlay?: Overlay | undefined;
}

/** Where a snapshot puts the disks it does not name, and whether a disk it names may differ (libvirt's align location and match). */
export interface AlignRule {
  readonly location: 'internal' | 'external';
  readonly requireMatch: boolean;
}

const INTERNAL: AlignRule = { location: 'internal', requireMatch: false };

const unsupported = (text: string, d: ErrorDomain = ErrorDomain.DOMAIN_SNAPSHOT): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, text, d);

/** The guest disk a snapshot's `<disk name>` names: by target, or by its source path, as libvirt finds it. */
function diskNamed(disks: readonly QemuDisk[], name: string): QemuDisk | undefined {
  return disks.find((d) => d.target === name) ?? disks.find((d) => d.path !== undefined && d.path === name);
}

/** A snapshot disk's own overlay as its XML gives it (a path or a format makes the disk external, as libvirt reads it). */
function givenOverlay(g: SnapshotDisk): Overlay | undefined {
  const path = g.source?.file ?? g.source?.dev;
  if (path === undefined && g.format === undefined) return undefined;
  if (path !== undefined && !path.startsWith('/')) {
    throw new VirError(ErrorCode.XML_ERROR, `disk snapshot image path '${path}' must be absolute`, ErrorDomain.DOMAIN_SNAPSHOT);
  }
  return { type: g.type ?? (g.source?.dev !== undefined ? 'block' : 'file'), path: path ?? '', format: g.format };
}

/**
 * libvirt's virDomainSnapshotAlignDisks: each disk the XML names must exist once (and, when the
 * rule asks, use the rule's location unless both it and the domain disk say `no`); every other
 * disk is captured as its own `snapshot=` says, else at the rule's location, except an empty
 * drive, which is never captured. The result is in the domain's disk order.
 */
export function alignDisks(snap: DomainSnapshotDef, dom: DomainDef, rule: AlignRule = INTERNAL): PlannedDisk[] {
  const disks = disksOf(dom.devices);
  const given = snapshotDisks(snap) ?? [];
  if (given.length > disks.length) throw unsupported('too many disk snapshot requests for domain');
  const asked = new Map<QemuDisk, PlannedDisk>();
  for (const g of given) {
    const name = g.name ?? '';
    const disk = diskNamed(disks, name);
    if (!disk) throw unsupported(`no disk named '${name}'`);
    if (asked.has(disk)) throw unsupported(`disk '${name}' specified twice`);
    const overlay = givenOverlay(g);
    const own = disk.disk.snapshot === 'default' ? undefined : disk.disk.snapshot;
    const snapshot = g.snapshot ?? (overlay ? 'external' : own ?? rule.location);
    if (rule.requireMatch && snapshot !== rule.location && !(snapshot === 'no' && own === 'no')) {
      throw unsupported(`disk '${name}' must use snapshot mode '${rule.location}'`);
    }
    if (overlay?.path && snapshot !== 'external') throw unsupported(`file '${overlay.path}' for disk '${name}' requires use of external snapshot mode`);
    asked.set(disk, { disk, snapshot, overlay: snapshot === 'external' ? overlay : undefined });
  }
  return disks.map((disk) => {
    const planned = asked.get(disk);
    if (planned) return planned;
    const empty = disk.type !== 'network' && disk.path === undefined && disk.volume === undefined;
    const own = disk.disk.snapshot === 'default' ? undefined : disk.disk.snapshot;
    return { disk, snapshot: empty ? 'no' : own ?? rule.location };
  });
}

/** `/a/b.qcow2` → `/a/b.NAME`, `/a/b` → `/a/b.NAME`: libvirt's default overlay name beside the disk's image. */
function defaultOverlayPath(source: string, snapName: string): string {
  const dot = source.lastIndexOf('.');
  const base = dot >= 0 && !source.slice(dot).includes('/') ? source.slice(0, dot) : source;
  return `${base}.${snapName}`;
}

/**
 * libvirt's virDomainSnapshotDefAssignExternalNames: an external disk without a path gets one
 * beside its image (a regular file), and two disks may not end up with the same overlay.
 */
export function assignOverlayNames(plan: readonly PlannedDisk[], snapName: string): PlannedDisk[] {
  const named = plan.map((p) => {
    if (p.snapshot !== 'external' || p.overlay?.path) return p;
    const type = p.overlay?.type ?? 'file';
    if (type !== 'file') throw unsupported(`cannot generate external snapshot name for disk '${p.disk.target}' on a '${type}' device`);
    const source = p.disk.type === 'network' ? p.disk.disk.source?.name : p.disk.path;
    if (source === undefined) throw unsupported(`cannot generate external snapshot name for disk '${p.disk.target}' without source`);
    if (!statSync(source, { throwIfNoEntry: false })?.isFile()) {
      throw unsupported(`source for disk '${p.disk.target}' is not a regular file; refusing to generate external snapshot name`);
    }
    return { ...p, overlay: { type, path: defaultOverlayPath(source, snapName), format: p.overlay?.format } };
  });
  named.forEach((p, i) => {
    const clash = named.findIndex((q, j) => j < i && q.snapshot === 'external' && p.snapshot === 'external' && q.overlay?.path === p.overlay?.path);
    if (clash >= 0) throw unsupported(`cannot generate external snapshot name for disk '${p.disk.target}': collision with disk '${named[clash]!.disk.target}'`);
  });
  return named;
}

/** The `<disks>` a snapshot records for a plan: an external disk with its overlay's type, format and source. */
export const plannedDiskElements = (plan: readonly PlannedDisk[]): NonNullable<DomainSnapshotDef['disks']> =>
  snapshotDiskElements(plan.map(({ disk, snapshot, overlay }) => ({
    name: disk.target, snapshot,
    ...(overlay ? { type: overlay.type, format: overlay.format, source: overlay.type === 'block' ? { dev: overlay.path } : { file: overlay.path } } : {}),
  })));
