/* libvirt's constants for the host's memory, pages, power and CPU models (libvirt-host.h), with libvirt's values. */

/** virNodeSuspendTarget. */
export const NodeSuspendTarget = { MEM: 0, DISK: 1, HYBRID: 2 } as const;
/** virNodeAllocPagesFlags: ADD grows the pool, SET sets its size. */
export const NodeAllocPagesFlags = { ADD: 0, SET: 1 } as const;
/** virConnectBaselineCPUFlags. */
export const ConnectBaselineCPUFlags = { EXPAND_FEATURES: 1, MIGRATABLE: 2 } as const;
/** virConnectCompareCPUFlags. */
export const ConnectCompareCPUFlags = { FAIL_INCOMPATIBLE: 1, VALIDATE_XML: 2 } as const;
/** virCPUCompareResult. */
export const CPUCompareResult = { ERROR: -1, INCOMPATIBLE: 0, IDENTICAL: 1, SUPERSET: 2 } as const;
/** The typed-parameter names of virNodeGetMemoryParameters (VIR_NODE_MEMORY_SHARED_*). */
export const NodeMemoryShared = {
  PAGES_TO_SCAN: 'shm_pages_to_scan', SLEEP_MILLISECS: 'shm_sleep_millisecs', PAGES_SHARED: 'shm_pages_shared',
  PAGES_SHARING: 'shm_pages_sharing', PAGES_UNSHARED: 'shm_pages_unshared', PAGES_VOLATILE: 'shm_pages_volatile',
  FULL_SCANS: 'shm_full_scans', MERGE_ACROSS_NODES: 'shm_merge_across_nodes',
} as const;
