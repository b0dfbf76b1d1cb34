import { rm, stat } from 'node:fs/promises';
import { DomainBlockJobAbortFlags as A, DomainBlockJobType, type DomainBlockJobInfo } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import { FORMATS_WITH_BACKING, formatNode, storageNode } from '../command/disk-props.js';
import type { DriverContext } from '../driver/driver-context.js';
import { deleteDiskNodes } from '../hotplug/disk-removal.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import type { StoredDomain } from '../state/qemu-store.js';
import { chainBase, chainTop, diskChain, jobDisk } from './block-chain.js';
import type { BlockJobKind, BlockJobRecord } from './block-job-record.js';
import { editConfigDisk, editLiveDisk, moveSource } from './disk-edit.js';
import { refreshLiveChain } from './live-chain.js';
import { createImage, newImage } from './create-image.js';
import { OVER, concluded } from './job-conclusion.js';

const D = ErrorDomain.QEMU;
const invalidArg = (msg: string): VirError => new VirError(ErrorCode.INVALID_ARG, msg, D);

/** What one job call works on: the driver, the domain as loaded under its job lock, its live status and monitor. */
export interface JobScope {
  readonly drv: DriverContext;
  readonly d: StoredDomain;
  readonly s: ActiveStatus;
  readonly mon: QmpClient;
}

/** What settling jobs needs: no definition, only the run and its monitor (the event watcher has no more). */
export type SettleScope = Pick<JobScope, 'drv' | 's' | 'mon'>;

/** What `query-block-jobs` says of a job. */
interface QemuJob {
  device: string;
  type: string;
  len: number;
  offset: number;
  speed: number;
  ready: boolean;
  status: string;
  error?: string;
}

const JOB_TYPE: Record<BlockJobKind, number> = {
  pull: DomainBlockJobType.PULL, copy: DomainBlockJobType.COPY, commit: DomainBlockJobType.COMMIT, 'active-commit': DomainBlockJobType.ACTIVE_COMMIT,
};

const jobsOf = (s: ActiveStatus): Record<string, BlockJobRecord> => (s.blockJobs ??= {});

/** libvirt's refusal of a second job on a disk. */
function checkNoJob(s: ActiveStatus, target: string): void {
  if (jobsOf(s)[target]) throw new VirError(ErrorCode.BLOCK_COPY_ACTIVE, `disk '${target}' already in active block job`, D);
}

/** The disk's job, or libvirt's refusal when it has none. */
function requireJob(s: ActiveStatus, target: string): BlockJobRecord {
  const rec = jobsOf(s)[target];
  if (!rec) throw invalidArg(`disk ${target} does not have an active block job`);
  return rec;
}

/** libvirt's job ids (`copy-vda-libvirt-1-format`); a node QEMU named itself (`#block160`) loses its `#`, which ids may not hold. */
const jobId = (kind: string, target: string, node: string): string => `${kind}-${target}-${node.replace(/^#/, '')}`;

const common = (id: string, speed: number): Record<string, unknown> => ({ 'job-id': id, speed, 'auto-finalize': true, 'auto-dismiss': false });

/** Records a started job and writes the status once. */
async function remember(c: JobScope, target: string, rec: BlockJobRecord): Promise<void> {
  jobsOf(c.s)[target] = rec;
  await writeStatus(c.drv.paths, c.s);
}

/** blockpull / blockrebase without COPY: `block-stream` of the chain above `base` into the top image. */
export async function startPull(c: JobScope, disk: string, base: string | undefined, speed: number): Promise<void> {
  const target = jobDisk(c.s.xml, disk);
  await settleJobs(c);
  checkNoJob(c.s, target.target);
  const chain = await diskChain(c.mon, target.alias);
  const baseIndex = base === undefined ? undefined : chainBase(chain, 0, base, target.target);
  const id = jobId('pull', target.target, chain[0]!.node);
  await c.mon.execute('block-stream', {
    ...common(id, speed), device: chain[0]!.node, ...(baseIndex !== undefined ? { 'base-node': chain[baseIndex]!.node } : {}),
  });
  await remember(c, target.target, { id, kind: 'pull', alias: target.alias, speed, followConfig: false });
}

/** blockcommit: `block-commit` of `top` (the active layer with ACTIVE) down into `base`. */
export async function startCommit(c: JobScope, disk: string, base: string | undefined, top: string | undefined, speed: number,
  opts: { active: boolean; shallow: boolean; remove: boolean }): Promise<void> {
  const target = jobDisk(c.s.xml, disk);
  await settleJobs(c);
  checkNoJob(c.s, target.target);
  const chain = await diskChain(c.mon, target.alias);
  const topIndex = chainTop(chain, top, target.target);
  const baseIndex = opts.shallow ? chainBase(chain, topIndex, chain[topIndex + 1]?.file, target.target) : chainBase(chain, topIndex, base, target.target);
  if (topIndex === 0 && !opts.active) throw invalidArg(`commit of '${target.target}' active layer requires active flag`);
  if (topIndex !== 0 && opts.active) throw invalidArg(`active commit requested but '${chain[topIndex]!.file}' is not active`);
  const topLayer = chain[topIndex]!;
  const baseLayer = chain[baseIndex]!;
  const id = jobId('commit', target.target, topLayer.node);
  await c.mon.execute('block-commit', {
    ...common(id, speed), device: chain[0]!.node, ...(topIndex > 0 ? { 'top-node': topLayer.node } : {}), 'base-node': baseLayer.node,
  });
  const kind = topIndex === 0 ? 'active-commit' : 'commit';
  const remove = opts.remove ? chain.slice(topIndex, baseIndex).map((l) => l.file) : undefined;
  if (kind === 'active-commit') {
    editLiveDisk(c.s, target.alias, (d) => {
      d.mirror = { type: 'file', file: baseLayer.file, format: baseLayer.format, job: 'active-commit', formatType: baseLayer.format, sourceFile: baseLayer.file };
    });
  }
  await remember(c, target.target, {
    id, kind, alias: target.alias, speed, remove, followConfig: true,
    dest: kind === 'active-commit' ? { path: baseLayer.file, format: baseLayer.format, block: false } : undefined,
  });
}

/** Where a copy goes and how. */
export interface CopyRequest {
  readonly path: string;
  readonly format: string | undefined;
  readonly block: boolean;
  readonly shallow: boolean;
  readonly reuse: boolean;
  readonly transientJob: boolean;
  readonly syncWrites: boolean;
  readonly granularity: number | undefined;
  readonly bufSize: number | undefined;
}

/**
 * The bytes an unlimited copy keeps in flight when the caller names no buf-size. QEMU's own 16 MiB
 * (sixteen 1 MiB requests at once) made a 256 MiB copy ready in 350–530 ms on this 2-core machine,
 * 4 MiB in 305–375 ms (the same runs, load 4–7): the copy is the same, only fewer requests queue
 * on QEMU's I/O threads. A copy with a bandwidth keeps QEMU's default: its first burst is the
 * buffer, and its progress must read as libvirt's (which passes none).
 */
const COPY_BUF_SIZE = 4 << 20;

/** blockcopy: the destination opened as new nodes and `blockdev-mirror` started; the live XML shows the `<mirror>`. */
export async function startCopy(c: JobScope, disk: string, req: CopyRequest, speed: number): Promise<void> {
  const target = jobDisk(c.s.xml, disk);
  await settleJobs(c);
  checkNoJob(c.s, target.target);
  if (c.d.persistentDef && !req.transientJob) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not transient', D);
  if (req.reuse || req.block) {
    await stat(req.path).catch((e: NodeJS.ErrnoException) => {
      throw systemError(`missing destination file for disk ${target.target}: ${req.path}`, e, D);
    });
  }
  const chain = await diskChain(c.mon, target.alias);
  const format = req.format ?? chain[0]!.format;
  const image = !req.reuse && !req.block ? newImage(req.path, format, chain, req.shallow) : undefined;
  if (image) await createImage.before(image);
  const node = c.s.nextNode++;
  const id = jobId('copy', target.target, chain[0]!.node);
  const bufSize = req.bufSize ?? (speed === 0 ? COPY_BUF_SIZE : undefined);
  try {
    // The format job is written right behind the node it formats: one wait for both.
    await Promise.all([
      c.mon.execute('blockdev-add', {
        driver: req.block ? 'host_device' : 'file', filename: req.path, 'node-name': storageNode(node), 'auto-read-only': true, discard: 'unmap',
      }),
      image && createImage.after(c.mon, image, node),
    ]);
    // Written at once: QEMU runs them in order, and the first to fail is the first answer refused.
    await Promise.all([
      c.mon.execute('blockdev-add', {
        'node-name': formatNode(node), 'read-only': false, driver: format, file: storageNode(node), ...(req.shallow || !FORMATS_WITH_BACKING.has(format) ? {} : { backing: null }),
      }),
      c.mon.execute('blockdev-mirror', {
        ...common(id, speed), device: chain[0]!.node, target: formatNode(node), sync: req.shallow ? 'top' : 'full',
        'copy-mode': req.syncWrites ? 'write-blocking' : 'background',
        ...(req.granularity !== undefined ? { granularity: req.granularity } : {}), ...(bufSize !== undefined ? { 'buf-size': bufSize } : {}),
      }),
    ]);
  } catch (e) {
    await deleteDiskNodes(c.mon, node);
    if (image) await rm(req.path, { force: true });
    throw e;
  }
  const type = req.block ? 'block' : 'file';
  editLiveDisk(c.s, target.alias, (d) => {
    d.mirror = { type, ...(req.block ? {} : { file: req.path }), format, job: 'copy', formatType: format, ...(req.block ? { sourceDev: req.path } : { sourceFile: req.path }) };
  });
  await remember(c, target.target, {
    id, kind: 'copy', alias: target.alias, speed, followConfig: true, dest: { path: req.path, format, block: req.block, node },
  });
}

/** The record's job gone: its record and `<mirror>` dropped, and what it leaves behind removed (a copy not pivoted to: its nodes). */
async function forget(c: SettleScope, target: string, rec: BlockJobRecord, ok: boolean, pivoted: boolean): Promise<void> {
  delete jobsOf(c.s)[target];
  if (rec.kind === 'copy' && !pivoted) await deleteDiskNodes(c.mon, rec.dest?.node);
  if (rec.kind === 'copy' || rec.kind === 'active-commit') editLiveDisk(c.s, rec.alias, (d) => delete d.mirror);
  // The images under the disk changed: the live chain follows them.
  if (ok && (pivoted || rec.kind === 'commit' || rec.kind === 'pull')) await refreshLiveChain(c.s, rec.alias, pivoted ? rec.dest?.node : undefined);
  // A commit's images are removed only once it succeeded (an active commit only after the pivot to its base).
  if (ok && rec.remove && (rec.kind === 'commit' || pivoted)) await Promise.all(rec.remove.map((f) => rm(f, { force: true })));
}

/** Switches the disk to a ready copy's destination or an active commit's base, live and (as libvirt) in the persistent definition. */
async function pivot(c: JobScope, target: string, rec: BlockJobRecord): Promise<void> {
  const dest = rec.dest!;
  const old = c.s.diskNodes[rec.alias];
  if (old !== undefined && old !== dest.node) await deleteDiskNodes(c.mon, old);
  // An active commit lands on a base QEMU opened itself: no libvirt-N node names the disk any more.
  c.s.diskNodes[rec.alias] = dest.node ?? -1;
  editLiveDisk(c.s, rec.alias, moveSource(dest.path, dest.format, dest.block));
  if (rec.followConfig) await editConfigDisk(c.drv, c.d, target, moveSource(dest.path, dest.format, dest.block));
}

/**
 * Takes the outcome of every job QEMU has concluded (dismissing it, dropping the record, removing
 * what it leaves) and marks copies that became ready; writes the status when anything changed.
 * Answers QEMU's report of the jobs (none asked for when no job is recorded).
 */
export async function settleJobs(c: SettleScope): Promise<readonly QemuJob[]> {
  const records = Object.entries(c.s.blockJobs ?? {});
  if (records.length === 0) return [];
  const jobs = await c.mon.execute<QemuJob[]>('query-block-jobs');
  let changed = false;
  for (const [target, rec] of records) {
    const job = jobs.find((j) => j.device === rec.id);
    if (job && !OVER.has(job.status)) {
      if (job.ready && !rec.ready) {
        rec.ready = true;
        editLiveDisk(c.s, rec.alias, (d) => {
          if (d.mirror) d.mirror = { ...d.mirror, ready: 'yes' };
        });
        changed = true;
      }
      continue;
    }
    if (job) await c.mon.execute('job-dismiss', { id: rec.id });
    await forget(c, target, rec, job !== undefined && job.error === undefined, false);
    changed = true;
  }
  if (changed) await writeStatus(c.drv.paths, c.s);
  return jobs;
}

/** virDomainGetBlockJobInfo: the disk's job and its progress, or undefined once it is over. */
export async function blockJobInfo(c: JobScope, disk: string, bytes: boolean): Promise<DomainBlockJobInfo | undefined> {
  const target = jobDisk(c.s.xml, disk);
  // The report settling asked for is the one shown: a job it left is still running.
  const jobs = await settleJobs(c);
  const rec = jobsOf(c.s)[target.target];
  if (!rec) return undefined;
  const job = jobs.find((j) => j.device === rec.id);
  const speed = BigInt(job?.speed ?? rec.speed);
  const end = BigInt(job?.len ?? 0);
  // As libvirt: a mirror QEMU has not called ready never shows as complete, so no client pivots too early.
  const cur = BigInt(job?.offset ?? 0) - (job && !job.ready && rec.dest && job.offset === job.len && job.len > 0 ? 1n : 0n);
  return { type: JOB_TYPE[rec.kind], bandwidth: bytes ? speed : speed >> 20n, cur, end };
}

/** virDomainBlockJobSetSpeed. */
export async function setJobSpeed(c: JobScope, disk: string, speed: number): Promise<void> {
  const target = jobDisk(c.s.xml, disk);
  await settleJobs(c);
  const rec = requireJob(c.s, target.target);
  await c.mon.execute('block-job-set-speed', { device: rec.id, speed });
  rec.speed = speed;
  await writeStatus(c.drv.paths, c.s);
}

/** virDomainBlockJobAbort: cancel, or (PIVOT) complete a ready copy or active commit onto its destination. */
export async function abortJob(c: JobScope, disk: string, flags: number): Promise<void> {
  const target = jobDisk(c.s.xml, disk);
  await settleJobs(c);
  const rec = requireJob(c.s, target.target);
  if (flags & A.PIVOT) {
    if (rec.kind !== 'copy' && rec.kind !== 'active-commit') {
      throw new VirError(ErrorCode.OPERATION_INVALID, `pivot of disk '${target.target}' requires an active copy job`, D);
    }
    if (!rec.ready) throw new VirError(ErrorCode.BLOCK_COPY_ACTIVE, `disk '${target.target}' not ready for pivot yet`, D);
  }
  const end = flags & A.PIVOT ? () => c.mon.execute('job-complete', { id: rec.id }) : () => c.mon.execute('block-job-cancel', { device: rec.id });
  if (!(flags & A.PIVOT) && flags & A.ASYNC) {
    await end();
    return;
  }
  const job = await concluded(c.mon, rec.id, end);
  if (job) await c.mon.execute('job-dismiss', { id: rec.id });
  const ok = job !== undefined && job.error === undefined;
  if (ok && flags & A.PIVOT) await pivot(c, target.target, rec);
  await forget(c, target.target, rec, ok, ok && (flags & A.PIVOT) !== 0);
  await writeStatus(c.drv.paths, c.s);
  if (!ok && flags & A.PIVOT) throw new VirError(ErrorCode.OPERATION_FAILED, `failed to pivot job for disk ${target.target}: ${job?.error ?? 'job vanished'}`, D);
}
