/** Flags and enums of the domain control calls (lifecycle actions, vcpu state, fd groups, migration). */

/** virDomainLifecycle: the event whose action virDomainSetLifecycleAction changes. */
export const DomainLifecycle = { POWEROFF: 0, REBOOT: 1, CRASH: 2 } as const;
export type DomainLifecycle = (typeof DomainLifecycle)[keyof typeof DomainLifecycle];

/** virDomainLifecycleAction. */
export const DomainLifecycleAction = {
  DESTROY: 0, RESTART: 1, RESTART_RENAME: 2, PRESERVE: 3, COREDUMP_DESTROY: 4, COREDUMP_RESTART: 5,
} as const;
export type DomainLifecycleAction = (typeof DomainLifecycleAction)[keyof typeof DomainLifecycleAction];

/** virDomainFDAssociateFlags. */
export const DomainFDAssociateFlags = { SECLABEL_RESTORE: 1, SECLABEL_WRITABLE: 2 } as const;

/** virDomainMigrateFlags. */
export const DomainMigrateFlags = {
  LIVE: 1 << 0, PEER2PEER: 1 << 1, TUNNELLED: 1 << 2, PERSIST_DEST: 1 << 3, UNDEFINE_SOURCE: 1 << 4, PAUSED: 1 << 5,
  NON_SHARED_DISK: 1 << 6, NON_SHARED_INC: 1 << 7, CHANGE_PROTECTION: 1 << 8, UNSAFE: 1 << 9, OFFLINE: 1 << 10,
  COMPRESSED: 1 << 11, ABORT_ON_ERROR: 1 << 12, AUTO_CONVERGE: 1 << 13, RDMA_PIN_ALL: 1 << 14, POSTCOPY: 1 << 15,
  TLS: 1 << 16, PARALLEL: 1 << 17, NON_SHARED_SYNCHRONOUS_WRITES: 1 << 18, POSTCOPY_RESUME: 1 << 19, ZEROCOPY: 1 << 20,
} as const;

/** The typed parameters of virDomainMigrate3 and virDomainMigrateToURI3 (VIR_MIGRATE_PARAM_*). */
export const DomainMigrateParam = {
  URI: 'migrate_uri', DEST_NAME: 'destination_name', DEST_XML: 'destination_xml', PERSIST_XML: 'persistent_xml',
  BANDWIDTH: 'bandwidth', BANDWIDTH_POSTCOPY: 'bandwidth.postcopy', GRAPHICS_URI: 'graphics_uri',
  LISTEN_ADDRESS: 'listen_address', MIGRATE_DISKS: 'migrate_disks', DISKS_PORT: 'disks_port', DISKS_URI: 'disks_uri',
  COMPRESSION: 'compression', COMPRESSION_MT_LEVEL: 'compression.mt.level', COMPRESSION_MT_THREADS: 'compression.mt.threads',
  COMPRESSION_MT_DTHREADS: 'compression.mt.dthreads', COMPRESSION_XBZRLE_CACHE: 'compression.xbzrle.cache',
  AUTO_CONVERGE_INITIAL: 'auto_converge.initial', AUTO_CONVERGE_INCREMENT: 'auto_converge.increment',
  PARALLEL_CONNECTIONS: 'parallel.connections', TLS_DESTINATION: 'tls.destination',
} as const;

/** virDomainBlockIoTune's typed parameters (VIR_DOMAIN_BLOCK_IOTUNE_*), in libvirt's order. */
export const DOMAIN_BLOCK_IOTUNE_FIELDS = [
  'total_bytes_sec', 'read_bytes_sec', 'write_bytes_sec', 'total_iops_sec', 'read_iops_sec', 'write_iops_sec',
  'total_bytes_sec_max', 'read_bytes_sec_max', 'write_bytes_sec_max', 'total_iops_sec_max', 'read_iops_sec_max',
  'write_iops_sec_max', 'size_iops_sec', 'group_name', 'total_bytes_sec_max_length', 'read_bytes_sec_max_length',
  'write_bytes_sec_max_length', 'total_iops_sec_max_length', 'read_iops_sec_max_length', 'write_iops_sec_max_length',
] as const;

/** virDomainGetInterfaceParameters' typed parameters (VIR_DOMAIN_BANDWIDTH_*), in libvirt's order. */
export const DOMAIN_BANDWIDTH_FIELDS = [
  'inbound.average', 'inbound.peak', 'inbound.burst', 'inbound.floor', 'outbound.average', 'outbound.peak', 'outbound.burst',
] as const;
