import type { DomainRef } from './driver-types.js';
import type { TypedParameter } from '../typed-params.js';

/** virDomainBlockJobInfo: a disk's block job (DomainBlockJobType), its bandwidth and progress (`cur` of `end`). */
export interface DomainBlockJobInfo {
  readonly type: number;
  /** MiB/s, or bytes/s with DomainBlockJobInfoFlags.BANDWIDTH_BYTES. */
  readonly bandwidth: bigint;
  readonly cur: bigint;
  readonly end: bigint;
}

/**
 * Block jobs and block device changes of a running domain (libvirt's virDomainBlock* calls). A
 * disk is named by its target (`vda`) or its source path. Part of HypervisorDriver; every member
 * is optional.
 */
export interface DomainBlockJobEntryPoints {
  /** The disk's job, or undefined when it has none (libvirt's return value 0). */
  domainGetBlockJobInfo?(dom: DomainRef, disk: string, flags: number): Promise<DomainBlockJobInfo | undefined>;
  /** Cancels the disk's job, or with PIVOT switches the disk to a copy's destination (DomainBlockJobAbortFlags). */
  domainBlockJobAbort?(dom: DomainRef, disk: string, flags: number): Promise<void>;
  domainBlockJobSetSpeed?(dom: DomainRef, disk: string, bandwidth: bigint, flags: number): Promise<void>;
  /** Pulls the whole backing chain into the disk's top image (DomainBlockPullFlags). */
  domainBlockPull?(dom: DomainRef, disk: string, bandwidth: bigint, flags: number): Promise<void>;
  /** Pulls down to `base` (a pull), or with COPY copies the disk to `base` (DomainBlockRebaseFlags). */
  domainBlockRebase?(dom: DomainRef, disk: string, base: string | undefined, bandwidth: bigint, flags: number): Promise<void>;
  /** Copies the disk to the `<disk>` `destxml` describes (DomainBlockCopyFlags; DomainBlockCopyParam). */
  domainBlockCopy?(dom: DomainRef, disk: string, destxml: string, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** Commits `top` (default the active layer) into `base` (default the bottom of the chain) (DomainBlockCommitFlags). */
  domainBlockCommit?(dom: DomainRef, disk: string, base: string | undefined, top: string | undefined, bandwidth: bigint, flags: number): Promise<void>;
  /** New size in KiB, or bytes with DomainBlockResizeFlags.BYTES. */
  domainBlockResize?(dom: DomainRef, disk: string, size: bigint, flags: number): Promise<void>;
  /** Raises BLOCK_THRESHOLD once writes pass `threshold` bytes of `dev` (`vda` or `vda[N]`); 0 clears it. */
  domainSetBlockThreshold?(dom: DomainRef, dev: string, threshold: bigint, flags: number): Promise<void>;
}
