import { rm } from 'node:fs/promises';
import { editDevice, formatDomainXML, parseDomainXML, type BackingLayer } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, runCommand } from '@tsvirt/util';
import { diskChain, type ChainLayer } from '../blockjob/block-chain.js';
import { editLiveDisk } from '../blockjob/disk-edit.js';
import type { Disk } from '../devices/qemu-disk.js';
import { devicesOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import { deleteDiskNodes } from '../hotplug/disk-removal.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { snapshotDisks, type DomainSnapshotDef } from '@tsvirt/conf';

const D = ErrorDomain.QEMU;
const POLL_MS = 50;
const JOB_WAIT_MS = 10 * 60_000;

/** One disk whose snapshot overlay is merged down into the image below it. */
interface Merge {
  readonly target: string;
  readonly overlay: string;
}

/** The overlays an external snapshot put on the disks: what deleting it merges down (a manual disk's is unknown: '' is in no chain). */
export const mergesOf = (snap: DomainSnapshotDef): Merge[] =>
  (snapshotDisks(snap) ?? []).filter((d) => (d.snapshot === 'external' || d.snapshot === 'manual') && d.name !== undefined)
    .map((d) => ({ target: d.name!, overlay: d.source?.file ?? d.source?.dev ?? '' }));

const noBase = (): VirError => new VirError(ErrorCode.INVALID_ARG, 'could not find base disk source in disk source chain', D);

/**
 * A disk's chain without `path`: the image below moves up into its place (`base` standing in
 * for it when the definition names no chain), a layer below it keeps its place.
 */
export function withoutImage(path: string, base?: BackingLayer): (d: Disk) => void {
  return (d) => {
    const layers = d.backingStore ?? [];
    if ((d.source?.file ?? d.source?.dev) === path) {
      const [next, ...rest] = layers.length > 0 ? layers : base ? [{ ...base, open: true }] : [];
      if (!next?.path) return;
      d.type = next.type as Disk['type'];
      d.source = { ...(next.type === 'block' ? { dev: next.path } : { file: next.path }), ...(next.index !== undefined ? { index: next.index } : {}) };
      if (next.format !== undefined) d.driver = { ...d.driver, type: next.format };
      if (next.open) delete d.backingStore;
      else d.backingStore = rest;
      return;
    }
    const at = layers.findIndex((l) => l.path === path);
    if (at < 0) return;
    const kept: BackingLayer[] = layers.filter((_, i) => i !== at);
    const last = kept[kept.length - 1];
    if (layers[at]!.open && last && at === kept.length) kept[kept.length - 1] = { ...last, open: true };
    d.backingStore = kept;
  };
}

/** Waits until QEMU reports the job `id` ready (an active commit in sync) or concluded; returns its last report. */
async function awaitJob(mon: QmpClient, id: string, ready: boolean): Promise<{ ready: boolean; status: string; error?: string } | undefined> {
  const until = Date.now() + JOB_WAIT_MS;
  for (;;) {
    const job = (await mon.execute<Array<{ device: string; ready: boolean; status: string; error?: string }>>('query-block-jobs')).find((j) => j.device === id);
    if (!job || job.status === 'concluded' || (ready && job.ready)) return job;
    if (Date.now() > until) throw new VirError(ErrorCode.OPERATION_TIMEOUT, `block job '${id}' did not finish`, D);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The libvirt-N number of a node this driver opened, else undefined (a node QEMU opened itself). */
const nodeNumber = (node: string): number | undefined => {
  const m = /^libvirt-(\d+)-format$/.exec(node);
  return m ? Number(m[1]) : undefined;
};

/** `block-commit` of the overlay at `at` of the chain into the image below it; an active one completed onto its base. */
async function commitOnce(mon: QmpClient, target: string, chain: readonly ChainLayer[], at: number): Promise<void> {
  const id = `commit-${target}-${chain[at]!.node.replace(/^#/, '')}`;
  await mon.execute('block-commit', {
    'job-id': id, device: chain[0]!.node, ...(at > 0 ? { 'top-node': chain[at]!.node } : {}), 'base-node': chain[at + 1]!.node,
    'auto-finalize': true, 'auto-dismiss': false,
  });
  if (at === 0) {
    const job = await awaitJob(mon, id, true);
    if (job && !job.error && job.status !== 'concluded') await mon.execute('job-complete', { id });
  }
  const done = await awaitJob(mon, id, false);
  if (done) await mon.execute('job-dismiss', { id });
  if (!done || done.error) throw new VirError(ErrorCode.OPERATION_FAILED, `block commit of '${chain[at]!.file}' failed: ${done?.error ?? 'job vanished'}`, D);
}

/** On a running domain: each overlay merged down by a QEMU commit job; the live disks and their nodes follow. */
async function mergeRunning(s: ActiveStatus, merges: readonly Merge[]): Promise<Map<string, BackingLayer>> {
  return withMonitor(s, async (mon) => {
    const live = devicesOf(parseDomainXML(s.xml, { arch: GUEST_ARCH }).devices, 'disk');
    const plans = [];
    for (const m of merges) {
      const alias = live.find((d) => d.target?.dev === m.target)?.alias;
      const chain = alias === undefined ? [] : await diskChain(mon, alias);
      const at = chain.findIndex((l) => l.file === m.overlay);
      if (at < 0 || !chain[at + 1]) throw noBase();
      plans.push({ ...m, alias: alias!, chain, at });
    }
    for (const p of plans) {
      await commitOnce(mon, p.target, p.chain, p.at);
      if (p.at === 0) s.diskNodes[p.alias] = nodeNumber(p.chain[1]!.node) ?? -1;
      await deleteDiskNodes(mon, nodeNumber(p.chain[p.at]!.node));
      editLiveDisk(s, p.alias, withoutImage(p.overlay));
    }
    return new Map(plans.map((p) => [p.target, { type: 'file', path: p.chain[p.at + 1]!.file, format: p.chain[p.at + 1]!.format }]));
  });
}

/** On a shut-off domain: `qemu-img commit` of each overlay into its backing image, the image above it rebased onto that one. */
async function mergeInactive(d: StoredDomain, merges: readonly Merge[]): Promise<Map<string, BackingLayer>> {
  const disks = devicesOf(d.persistentDef!.devices, 'disk');
  const plans = [];
  for (const m of merges) {
    const disk = disks.find((x) => x.target?.dev === m.target);
    const top = disk?.source?.file ?? disk?.source?.dev;
    // As libvirt 9.0, only the chain the definition names: nothing is read from the images.
    const images: BackingLayer[] = top === undefined ? [] : [{ type: disk?.type ?? 'file', path: top, format: disk?.driver?.type ?? 'raw' }, ...(disk?.backingStore ?? [])];
    const at = images.findIndex((l) => l.path === m.overlay);
    if (at < 0 || !images[at + 1]?.path) throw noBase();
    plans.push({ target: m.target, at, images });
  }
  for (const { at, images } of plans) {
    const [above, overlay, base] = [images[at - 1], images[at]!, images[at + 1]!];
    await runCommand('qemu-img', ['commit', '-q', '-f', overlay.format ?? 'qcow2', overlay.path!], { domain: D });
    if (above) await runCommand('qemu-img', ['rebase', '-q', '-u', '-f', above.format ?? 'qcow2', '-F', base.format ?? 'raw', '-b', base.path!, above.path!], { domain: D });
  }
  return new Map(plans.map((p) => [p.target, p.images[p.at + 1]!]));
}

/** The persistent definition with the overlays taken out of its disks' chains, written when it changed. */
async function dropFromConfig(drv: DriverContext, d: StoredDomain, merges: readonly Merge[], bases: ReadonlyMap<string, BackingLayer>): Promise<void> {
  let def = d.persistentDef;
  if (!def) return;
  for (const m of merges) {
    const disk: Disk | undefined = devicesOf(def.devices, 'disk').find((x) => x.target?.dev === m.target);
    if (disk) def = editDevice(def, disk, withoutImage(m.overlay, bases.get(m.target)));
  }
  await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
}

/**
 * libvirt 9.0's deletion of an external snapshot: each overlay it made merged down into the image
 * below it (on a running domain by QEMU commit jobs, the active layer's completed onto its base;
 * on a shut-off one with qemu-img), the definitions' chains without it, the overlay removed. The
 * memory file of a full system snapshot is left, as libvirt leaves it.
 */
export async function mergeExternalSnapshot(drv: DriverContext, d: StoredDomain, snap: DomainSnapshotDef): Promise<void> {
  const merges = mergesOf(snap);
  const active = isActiveStatus(d.status);
  const bases = active ? await mergeRunning(d.status, merges) : await mergeInactive(d, merges);
  if (active) await writeStatus(drv.paths, d.status);
  await dropFromConfig(drv, d, merges, bases);
  await Promise.all(merges.map((m) => rm(m.overlay, { force: true })));
}
