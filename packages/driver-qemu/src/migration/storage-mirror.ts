import { DomainMigrateFlags as MF } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskChain } from '../blockjob/block-chain.js';
import type { QemuDisk } from '../devices/qemu-disk.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { QmpEvent } from '../qmp/qmp-types.js';
import type { NbdAddress } from './nbd-server.js';
import { driveName } from './storage-disks.js';

const D = ErrorDomain.QEMU;
/** How long a cancelled mirror may take to go before the copy is declared stuck. */
const CANCEL_WAIT_MS = 60_000;

type MirrorState = 'running' | 'ready' | 'completed' | 'failed' | 'cancelled';

/** One disk's copy: its job (`drive-ALIAS`) and the NBD client nodes it writes through. */
interface Mirror {
  readonly target: string;
  readonly job: string;
  readonly storage: string;
  readonly format: string;
  state: MirrorState;
  error?: string;
}

/** Bytes of the disks' copies: what QEMU's mirror jobs report (`len`, `offset`). */
export interface MirrorProgress {
  readonly total: number;
  readonly processed: number;
}

const ENDED: ReadonlySet<MirrorState> = new Set(['completed', 'failed', 'cancelled']);

/** The NBD client's server address (QEMU's flat SocketAddress). */
function clientServer(a: NbdAddress): Record<string, unknown> {
  return 'socket' in a ? { type: 'unix', path: a.socket } : { type: 'inet', host: a.host, port: String(a.port) };
}

/**
 * The source's copies of its disks to the destination's NBD server, as libvirt's blockdev
 * storage migration: an NBD client per disk (`migration-TARGET-storage`/`-format`), a
 * `blockdev-mirror` job named `drive-ALIAS` (sync full, or top for an incremental copy;
 * write-blocking for synchronous writes). The jobs are followed through QMP events only.
 */
export class StorageMirrors {
  readonly #mon: QmpClient;
  readonly #mirrors: Mirror[] = [];
  readonly #off: () => void;
  #changed: () => void = () => undefined;
  #ended = false;

  private constructor(mon: QmpClient) {
    this.#mon = mon;
    this.#off = mon.onEvent((e) => this.#onEvent(e));
  }

  /** Starts a mirror of each disk; on failure, what was started is undone and the error raised. */
  static async start(mon: QmpClient, disks: readonly QemuDisk[], dest: NbdAddress, speedBytes: number, flags: number): Promise<StorageMirrors> {
    const m = new StorageMirrors(mon);
    try {
      for (const d of disks) await m.#startOne(d, dest, speedBytes, flags);
    } catch (e) {
      await m.abort();
      throw e;
    }
    return m;
  }

  async #startOne(d: QemuDisk, dest: NbdAddress, speedBytes: number, flags: number): Promise<void> {
    const alias = d.alias!;
    const top = (await diskChain(this.#mon, alias))[0]!.node;
    const mirror: Mirror = { target: d.target, job: driveName(alias), storage: `migration-${d.target}-storage`, format: `migration-${d.target}-format`, state: 'running' };
    await this.#mon.execute('blockdev-add', { driver: 'nbd', 'node-name': mirror.storage, server: clientServer(dest), export: mirror.job, 'read-only': false, discard: 'unmap' });
    try {
      await this.#mon.execute('blockdev-add', { 'node-name': mirror.format, 'read-only': false, driver: 'raw', file: mirror.storage });
    } catch (e) {
      await this.#mon.execute('blockdev-del', { 'node-name': mirror.storage }).catch(() => undefined);
      throw e;
    }
    // Registered before the job starts, so that no event of it is missed.
    this.#mirrors.push(mirror);
    try {
      await this.#mon.execute('blockdev-mirror', {
        'job-id': mirror.job, device: top, target: mirror.format, speed: speedBytes, sync: flags & MF.NON_SHARED_INC ? 'top' : 'full',
        'auto-finalize': true, 'auto-dismiss': false, ...(flags & MF.NON_SHARED_SYNCHRONOUS_WRITES ? { 'copy-mode': 'write-blocking' } : {}),
      });
    } catch (e) {
      mirror.state = 'cancelled';
      throw e;
    }
  }

  #onEvent(e: QmpEvent): void {
    const m = this.#mirrors.find((x) => x.job === e.data?.['device']);
    if (!m) return;
    if (e.event === 'BLOCK_JOB_READY') m.state = 'ready';
    else if (e.event === 'BLOCK_JOB_CANCELLED') m.state = 'cancelled';
    else if (e.event === 'BLOCK_JOB_COMPLETED') {
      const error = e.data['error'];
      if (typeof error === 'string') Object.assign(m, { state: 'failed', error });
      else m.state = 'completed';
    } else return;
    this.#changed();
  }

  /** libvirt's error for a copy that failed or was cancelled under it. */
  #failure(): VirError | undefined {
    const m = this.#mirrors.find((x) => x.state === 'failed' || x.state === 'cancelled');
    if (!m) return undefined;
    return new VirError(ErrorCode.OPERATION_FAILED, m.error ? `migration of disk ${m.target} failed: ${m.error}` : `migration of disk ${m.target} failed`, D);
  }

  /** Whether the mirrors were completed or dropped already. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Raises the error of a copy that failed meanwhile (checked while the memory is sent). */
  check(): void {
    const e = this.#failure();
    if (e) throw e;
  }

  /** Resolves when `done` holds, or after `ms`: woken by the jobs' events, never polling QEMU. */
  #until(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#changed = () => undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.#changed = () => done() && finish();
    });
  }

  /**
   * Waits until every mirror is READY (its copy caught up and mirroring writes). `tick` runs every
   * `tickMs` meanwhile (progress, requests; it may throw to give up). A failed copy is libvirt's error.
   */
  async waitReady(tick: () => Promise<void>, tickMs: number): Promise<void> {
    const allReady = (): boolean => this.#mirrors.every((m) => m.state === 'ready') || this.#failure() !== undefined;
    for (;;) {
      this.check();
      if (allReady()) return;
      await tick();
      await this.#until(allReady, tickMs);
    }
  }

  /** The copies' progress from `query-block-jobs` (for domjobinfo and `--verbose`). */
  async progress(): Promise<MirrorProgress> {
    const jobs = await this.#mon.execute<Array<{ device: string; len: number; offset: number }>>('query-block-jobs');
    let total = 0;
    let processed = 0;
    for (const j of jobs) {
      if (!this.#mirrors.some((m) => m.job === j.device)) continue;
      total += j.len;
      processed += j.offset;
    }
    return { total, processed };
  }

  /**
   * Ends every mirror and removes the NBD client nodes (qemuMigrationSrcNBDCopyCancel). `force`
   * (an abort) drops the copies at once; otherwise a READY mirror is cancelled gracefully, which
   * completes the copy with the guest paused, and a copy that did not end well is an error.
   */
  async #finish(force: boolean): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    for (const m of this.#mirrors) {
      if (ENDED.has(m.state)) continue;
      await this.#mon.execute('block-job-cancel', { device: m.job, force }).catch(() => undefined);
    }
    await this.#until(() => this.#mirrors.every((m) => ENDED.has(m.state)), CANCEL_WAIT_MS);
    const jobs = await this.#mon.execute<Array<{ device: string }>>('query-block-jobs').catch(() => []);
    for (const m of this.#mirrors) {
      if (jobs.some((j) => j.device === m.job)) await this.#mon.execute('job-dismiss', { id: m.job }).catch(() => undefined);
      await this.#mon.execute('blockdev-del', { 'node-name': m.format }).catch(() => undefined);
      await this.#mon.execute('blockdev-del', { 'node-name': m.storage }).catch(() => undefined);
    }
    this.#off();
    if (!force) {
      const stuck = this.#mirrors.find((m) => !ENDED.has(m.state));
      if (stuck) throw new VirError(ErrorCode.OPERATION_FAILED, `migration of disk ${stuck.target} failed`, D);
      this.check();
    }
  }

  /** The memory is sent and the guest paused: each copy is completed (cancelled gracefully) and its nodes removed. */
  complete(): Promise<void> {
    return this.#finish(false);
  }

  /** The migration failed or was aborted: every copy is dropped and its nodes removed. */
  abort(): Promise<void> {
    return this.#finish(true);
  }
}
