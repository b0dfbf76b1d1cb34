import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { typedInt, typedULLong, type DomainJobStats, type TypedParameter } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, writeFileAtomic } from '@tsvirt/util';
import type { ActiveStatus } from '../state/domain-status.js';

/**
 * A migration's job lives in files of the domain's run directory, so that every process sees it:
 * the sending loop (which holds the domain's job and its monitor) writes its progress there and
 * takes requests (abort, speed, downtime, suspend) from there; the domain's tunables for the next
 * migration are kept there too (libvirt keeps them in its domain object).
 */
const PROGRESS = 'migration-job.json';
const COMPLETED = 'migration-completed.json';
const TUNABLES = 'migration-tunables.json';
const INCOMING = 'migration-incoming.json';
const REQUEST = /^migration-request-[0-9a-f]+\.json$/;

/** virDomainJobType. */
export const JobType = { NONE: 0, BOUNDED: 1, UNBOUNDED: 2, COMPLETED: 3, FAILED: 4, CANCELLED: 5 } as const;
/** virDomainJobOperation. */
export const JobOperation = { MIGRATION_IN: 4, MIGRATION_OUT: 5 } as const;

/** QEMU's `query-migrate` answer, the parts libvirt reports. */
export interface QemuMigrationInfo {
  status?: string;
  'error-desc'?: string;
  'total-time'?: number;
  'expected-downtime'?: number;
  downtime?: number;
  'setup-time'?: number;
  ram?: {
    transferred?: number; remaining?: number; total?: number; duplicate?: number; normal?: number;
    'normal-bytes'?: number; mbps?: number; 'dirty-pages-rate'?: number; 'page-size'?: number; 'dirty-sync-count'?: number;
    'postcopy-requests'?: number;
  };
}

/** A job's statistics as virDomainGetJobStats names them, numbers only (JSON in the file). */
export type JobStatValues = Record<string, number>;

/** Bytes of the disks copied beside the memory (storage migration's mirrors). */
export interface DiskProgress {
  readonly total: number;
  readonly processed: number;
}

/**
 * What libvirt 9.0 reports of QEMU's migration statistics, in its order and with its conditions
 * (recorded from libvirtd): `elapsed` in ms since the job began; the page counts, bandwidth and
 * page size only once QEMU reports memory; the disks' copies (storage migration's mirrors) count
 * in the data totals and as `disk_*`, which are always there.
 */
export function statsOf(info: QemuMigrationInfo, elapsed: number, operation: number, disks?: DiskProgress): JobStatValues {
  const ram = info.ram;
  const diskTotal = disks?.total ?? 0;
  const diskDone = disks?.processed ?? 0;
  const out: JobStatValues = { operation, time_elapsed: elapsed };
  const downtime = info.downtime ?? info['expected-downtime'];
  if (downtime !== undefined) out['downtime'] = downtime;
  if (info['setup-time'] !== undefined) out['setup_time'] = info['setup-time'];
  Object.assign(out, {
    data_total: (ram?.total ?? 0) + diskTotal, data_processed: (ram?.transferred ?? 0) + diskDone,
    data_remaining: (ram?.remaining ?? 0) + diskTotal - diskDone,
    memory_total: ram?.total ?? 0, memory_processed: ram?.transferred ?? 0, memory_remaining: ram?.remaining ?? 0,
  });
  const bps = Math.round(((ram?.mbps ?? 0) * 1_000_000) / 8);
  if (bps > 0) out['memory_bps'] = bps;
  if (ram) Object.assign(out, { memory_constant: ram.duplicate ?? 0, memory_normal: ram.normal ?? 0, memory_normal_bytes: ram['normal-bytes'] ?? 0 });
  Object.assign(out, { memory_dirty_rate: ram?.['dirty-pages-rate'] ?? 0, memory_iteration: ram?.['dirty-sync-count'] ?? 0, memory_postcopy_requests: ram?.['postcopy-requests'] ?? 0 });
  if (ram?.['page-size']) out['memory_page_size'] = ram['page-size'];
  return Object.assign(out, { disk_total: diskTotal, disk_processed: diskDone, disk_remaining: diskTotal - diskDone });
}

/** The typed parameters of a job's statistics (`operation` an int, the rest unsigned long longs). */
export function statParams(values: JobStatValues): TypedParameter[] {
  return Object.entries(values).map(([k, v]) => (k === 'operation' ? typedInt(k, v) : typedULLong(k, BigInt(Math.max(0, Math.round(v))))));
}

async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export const writeProgress = (s: ActiveStatus, values: JobStatValues): Promise<void> => writeFileAtomic(join(s.runDir, PROGRESS), JSON.stringify(values));
export const readProgress = (s: ActiveStatus): Promise<JobStatValues | undefined> => readJson(join(s.runDir, PROGRESS));
export const clearProgress = (s: ActiveStatus): Promise<void> => rm(join(s.runDir, PROGRESS), { force: true });

export const writeCompleted = (s: ActiveStatus, values: JobStatValues): Promise<void> => writeFileAtomic(join(s.runDir, COMPLETED), JSON.stringify(values));
export const readCompleted = (s: ActiveStatus): Promise<JobStatValues | undefined> => readJson(join(s.runDir, COMPLETED));
export const clearCompleted = (s: ActiveStatus): Promise<void> => rm(join(s.runDir, COMPLETED), { force: true });

/** The domain's migration tunables: bandwidth in MiB/s, downtime in ms, XBZRLE cache in bytes. */
export interface MigrationTunables {
  maxSpeed?: number;
  maxDowntime?: number;
  compCache?: number;
}
export const readTunables = async (s: ActiveStatus): Promise<MigrationTunables> => (await readJson<MigrationTunables>(join(s.runDir, TUNABLES))) ?? {};
export async function updateTunables(s: ActiveStatus, change: MigrationTunables): Promise<void> {
  await writeFileAtomic(join(s.runDir, TUNABLES), JSON.stringify({ ...(await readTunables(s)), ...change }));
}

/** What Prepare left for Finish: its flags, whether an NBD server runs, the disk images it made. */
export interface IncomingMark {
  readonly flags: number;
  readonly nbd?: boolean;
  readonly created?: ReadonlyArray<{ readonly pool: string; readonly volume: string }>;
}

/** The mark of a domain that Prepare made and Finish has not settled yet. */
export const markIncoming = (s: ActiveStatus, mark: IncomingMark): Promise<void> => writeFileAtomic(join(s.runDir, INCOMING), JSON.stringify(mark));
export const readIncoming = (s: ActiveStatus): Promise<IncomingMark | undefined> => readJson(join(s.runDir, INCOMING));
export const isIncoming = async (s: ActiveStatus): Promise<boolean> => (await readIncoming(s)) !== undefined;
export const clearIncoming = (s: ActiveStatus): Promise<void> => rm(join(s.runDir, INCOMING), { force: true });

/** One request to the sending loop. */
export type MigrationRequest =
  | { readonly op: 'abort' | 'suspend' }
  | { readonly op: 'speed' | 'downtime'; readonly value: number };

/** Whether a migration is being sent from this run now (its loop writes progress). */
export async function isSending(s: ActiveStatus): Promise<boolean> {
  return stat(join(s.runDir, PROGRESS)).then(() => true, () => false);
}

const REQUEST_WAIT_MS = 5_000;

/** Hands the sending loop a request and waits until it has taken it. */
export async function sendRequest(s: ActiveStatus, req: MigrationRequest): Promise<void> {
  const file = join(s.runDir, `migration-request-${randomBytes(6).toString('hex')}.json`);
  await writeFileAtomic(file, JSON.stringify(req));
  for (const deadline = Date.now() + REQUEST_WAIT_MS; Date.now() < deadline;) {
    if (!(await stat(file).then(() => true, () => false))) return;
    await sleep(20);
  }
  await rm(file, { force: true });
  throw new VirError(ErrorCode.OPERATION_FAILED, "job 'migration out' did not answer the request", ErrorDomain.QEMU);
}

/** The requests waiting for the sending loop, each removed as it is taken. */
export async function takeRequests(s: ActiveStatus): Promise<MigrationRequest[]> {
  const names = (await readdir(s.runDir).catch(() => [] as string[])).filter((n) => REQUEST.test(n)).sort();
  const out: MigrationRequest[] = [];
  for (const n of names) {
    const req = await readJson<MigrationRequest>(join(s.runDir, n));
    await rm(join(s.runDir, n), { force: true });
    if (req) out.push(req);
  }
  return out;
}

/** virDomainGetJobStats of a domain: the running migration's, or with COMPLETED the last one's. */
export async function jobStats(s: ActiveStatus | undefined, completed: boolean): Promise<DomainJobStats> {
  if (!s) return { type: JobType.NONE, params: [] };
  const values = completed ? await readCompleted(s) : await readProgress(s);
  if (!values) return { type: JobType.NONE, params: [] };
  return { type: completed ? JobType.COMPLETED : JobType.UNBOUNDED, params: statParams(values) };
}
