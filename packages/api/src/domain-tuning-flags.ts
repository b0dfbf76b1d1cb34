/** Flags and codes of the tuning and statistics APIs (libvirt-domain.h). */

/** virDomainMemoryStatTags. */
export const DomainMemoryStatTag = {
  SWAP_IN: 0, SWAP_OUT: 1, MAJOR_FAULT: 2, MINOR_FAULT: 3, UNUSED: 4, AVAILABLE: 5, ACTUAL_BALLOON: 6, RSS: 7, USABLE: 8,
  LAST_UPDATE: 9, DISK_CACHES: 10, HUGETLB_PGALLOC: 11, HUGETLB_PGFAIL: 12, NR: 13,
} as const;

/** virDomainControlState. */
export const DomainControlState = { OK: 0, JOB: 1, OCCUPIED: 2, ERROR: 3 } as const;
/** virDomainControlErrorReason. */
export const DomainControlErrorReason = { NONE: 0, UNKNOWN: 1, MONITOR: 2, INTERNAL: 3 } as const;

/** virDomainDiskErrorCode. */
export const DomainDiskErrorCode = { NONE: 0, UNSPEC: 1, NO_SPACE: 2 } as const;

/** virDomainGetHostnameFlags. */
export const DomainGetHostnameFlags = { LEASE: 1, AGENT: 2 } as const;

/** virDomainSetTimeFlags. */
export const DomainSetTimeFlags = { SYNC: 1 } as const;

/** virDomainGetJobStatsFlags. */
export const DomainGetJobStatsFlags = { COMPLETED: 1, KEEP_COMPLETED: 2 } as const;
/** virDomainAbortJobFlagsValues. */
export const DomainAbortJobFlags = { POSTCOPY: 1 } as const;
/** virDomainMigrateMaxSpeedFlags. */
export const DomainMigrateMaxSpeedFlags = { POSTCOPY: 1 } as const;
/** virDomainGuestInfoTypes. */
export const DomainGuestInfoTypes = { USERS: 1, OS: 2, TIMEZONE: 4, HOSTNAME: 8, FILESYSTEM: 16, DISKS: 32, INTERFACES: 64 } as const;
/** virDomainDirtyRateCalcFlags. */
export const DomainDirtyRateCalcFlags = { PAGE_SAMPLING: 0, DIRTY_BITMAP: 1, DIRTY_RING: 2 } as const;
/** virDomainAgentResponseTimeoutValues. */
export const DomainAgentResponseTimeout = { BLOCK: -2, DEFAULT: -1, NOWAIT: 0 } as const;

/** virDomainStatsTypes. */
export const DomainStatsTypes = {
  STATE: 1, CPU_TOTAL: 2, BALLOON: 4, VCPU: 8, INTERFACE: 16, BLOCK: 32, PERF: 64, IOTHREAD: 128, MEMORY: 256, DIRTYRATE: 512, VM: 1024,
} as const;
/** virConnectGetAllDomainStatsFlags: the list filters (ListDomainsFlags' first eight bits) and these. */
export const ConnectGetAllDomainStatsFlags = { NOWAIT: 2 ** 29, BACKING: 2 ** 30, ENFORCE_STATS: 2 ** 31 } as const;

/** VIR_DOMAIN_MEMORY_PARAM_UNLIMITED: a memory limit that is not set. */
export const DOMAIN_MEMORY_PARAM_UNLIMITED = 2n ** 53n - 1n;
