/** virDomainBlockJobAbortFlags. */
export const DomainBlockJobAbortFlags = { ASYNC: 1, PIVOT: 2 } as const;
/** virDomainBlockJobInfoFlags and virDomainBlockJobSetSpeedFlags: bandwidth in bytes/s rather than MiB/s. */
export const DomainBlockJobInfoFlags = { BANDWIDTH_BYTES: 1 } as const;
export const DomainBlockJobSetSpeedFlags = { BANDWIDTH_BYTES: 1 } as const;
/** virDomainBlockPullFlags. */
export const DomainBlockPullFlags = { BANDWIDTH_BYTES: 64 } as const;
/** virDomainBlockRebaseFlags. */
export const DomainBlockRebaseFlags = {
  SHALLOW: 1, REUSE_EXT: 2, COPY_RAW: 4, COPY: 8, RELATIVE: 16, COPY_DEV: 32, BANDWIDTH_BYTES: 64,
} as const;
/** virDomainBlockCopyFlags. */
export const DomainBlockCopyFlags = { SHALLOW: 1, REUSE_EXT: 2, TRANSIENT_JOB: 4, SYNCHRONOUS_WRITES: 8 } as const;
/** virDomainBlockCommitFlags. */
export const DomainBlockCommitFlags = { SHALLOW: 1, DELETE: 2, ACTIVE: 4, RELATIVE: 8, BANDWIDTH_BYTES: 16 } as const;
/** virDomainBlockResizeFlags: the size in bytes rather than KiB. */
export const DomainBlockResizeFlags = { BYTES: 1 } as const;
/** The typed parameters of virDomainBlockCopy. */
export const DomainBlockCopyParam = { BANDWIDTH: 'bandwidth', GRANULARITY: 'granularity', BUF_SIZE: 'buf-size' } as const;
