export { connect, type ConnectOptions } from './connect.js';
export { daemonRunDir, daemonSockets, listeningDaemon, setDaemonPreference, type DaemonSockets } from './daemon-socket.js';
export { Connection, LIB_VERSION, type ConnectionCloseCallback } from './objects/connection.js';
export { Domain } from './objects/domain.js';
export { DomainSnapshot } from './objects/domain-snapshot.js';
export { DomainCheckpoint } from './objects/domain-checkpoint.js';
export { checkRedefinedParent, childrenOf, deleteMoment, descendantsOf, diskTargets, topological, type Moment, type MomentTree } from './moments/moment-tree.js';
export {
  SNAPSHOT_LIST_FLAGS, currentSnapshotOf, findSnapshot, isExternalSnapshot, isLiveSnapshot, listChildNames, listSnapshotNames, redefineSnapshot,
  snapshotParentName, type Snapshot, type SnapshotTree,
} from './moments/snapshot-list.js';
export { Network } from './objects/network.js';
export { NetworkPort } from './objects/network-port.js';
export { Interface } from './objects/interface.js';
export { NodeDevice } from './objects/node-device.js';
export { StoragePool } from './objects/storage-pool.js';
export { StorageVol } from './objects/storage-vol.js';
export { Secret } from './objects/secret.js';
export { NWFilter, NWFilterBinding } from './objects/nwfilter.js';
export type { DomainEvent } from './events.js';
export * from './flags.js';
export * from './domain-state-flags.js';
export * from './host-object-flags.js';
export { ALL_LIST_DOMAINS_FLAGS, matchesListDomainsFlags, type DomainListFacts } from './list-filter.js';
export * from './storage-flags.js';
export * from './network-event-flags.js';
export { ALL_LIST_STORAGE_POOLS_FLAGS, matchesListStoragePoolsFlags, type StoragePoolListFacts } from './storage-list-filter.js';
export { flagFilter, matchesFlagGroups, type FlagCheck, type FlagTest } from './flag-groups.js';
export { checkExclusiveFlags, checkRequiredFlag } from './objects/arg-checks.js';
export {
  DRIVER_REGISTRY, REMOTE_PACKAGE, SECONDARY_PROVIDES, addDriverImporter, driverEntry, findDriver, loadDriver, registerDriver,
  registerDriverPackage, unloadDrivers, type DriverEntry, type ModuleImporter,
} from './registry.js';
export { discoverDrivers, forgetDiscoveredDrivers } from './discovery.js';
export { DRIVER_KINDS, SECONDARY_KINDS, type DriverKind, type DriverTables } from './driver/driver-kinds.js';
export type { ConnectionDriver, DriverConnection, DriverModule, OpenContext } from './driver/connection-driver.js';
export type { DomainStateEntryPoints, SnapshotRef, CheckpointRef } from './driver/domain-state-entry-points.js';
export type {
  DomainTuningEntryPoints, DomainCPUStats, DomainMemoryStat, DomainTime, DomainControlInfo, DomainDiskError, DomainIOThreadInfo,
  DomainStatsRecord,
} from './driver/domain-tuning-entry-points.js';
export * from './typed-params.js';
export type { DomainJobEntryPoints, DomainJobInfo, DomainJobStats, DomainGuestVcpus } from './driver/domain-job-entry-points.js';
export * from './domain-tuning-flags.js';
export * from './domain-control-flags.js';
export * from './block-iotune-params.js';
export type { DomainControlEntryPoints, QemuMonitorEvent } from './driver/domain-control-entry-points.js';
export type {
  DomainMigrationEntryPoints, MigrationCookie, MigrateBeginResult, MigratePrepareResult, MigrateFinishResult,
} from './driver/domain-migration-entry-points.js';
export { migratePrepare3, migrateFinish3, migrateVersion3, replaceStringParam, type MigrationSource } from './objects/domain-migrate.js';
export { migrateBegin3, migratePerform3, migrateConfirm3, hasMigrationPhases } from './objects/domain-migrate-source.js';
export * from './host-cpu-flags.js';
export * from './secret-flags.js';
export * from './nwfilter-flags.js';
export * from './backup-flags.js';
export * from './domain-event-flags.js';
export * from './domain-iface-flags.js';
export * from './domain-dump-flags.js';
export * from './domain-blockjob-flags.js';
export type { DomainBlockJobEntryPoints, DomainBlockJobInfo } from './driver/domain-blockjob-entry-points.js';
export type { DomainDumpEntryPoints } from './driver/domain-dump.js';
export type { DomainInputEntryPoints, DomainScreenshot } from './driver/domain-input-entry-points.js';
export { SEND_KEY_MAX_KEYS } from './objects/arg-checks.js';
export {
  DomainQemuAgentCommandTimeout, DomainSetUserPasswordFlags, DomainAuthorizedSSHKeysSetFlags, type DomainAgentEntryPoints, type DomainFSInfo,
} from './driver/domain-agent-entry-points.js';
export type { DomainInterface, DomainIPAddress, DomainAddressEntryPoints } from './driver/domain-iface-addrs.js';
export type { DomainDriverEvent, DomainEventEntryPoints } from './driver/domain-driver-event.js';
export type { HostEntryPoints } from './driver/host-entry-points.js';
export type { DomainBackupEntryPoints } from './driver/backup-entry-points.js';
export type { SecretDriver, SecretRef, SecretDriverEvent } from './driver/secret-driver.js';
export { SECRET_GET_VALUE_INTERNAL_CALL } from './driver/secret-driver.js';
export type { NWFilterDriver, NWFilterRef, NWFilterBindingRef } from './driver/nwfilter-driver.js';
export type { HypervisorDriver, DomainBlockStats, SharedDiskEntry, NodeStat } from './driver/hypervisor-driver.js';
export type { VcpuInfo, DomainVcpus, NodeCPUMap, DomainInterfaceStats, DomainBlockInfo } from './driver/domain-resource-types.js';
export type { NetworkDriver, NetworkDriverEvent, NetworkRef, NetworkDHCPLease, NetworkPortRef } from './driver/network-driver.js';
export type { InterfaceDriver, InterfaceRef } from './driver/interface-driver.js';
export type { NodeDeviceDriver, NodeDeviceRef } from './driver/nodedev-driver.js';
export type { StorageDriver, StoragePoolRef, StorageVolRef, StoragePoolInfo, StorageVolInfo, StorageVolWipeOptions, StoragePoolDriverEvent } from './driver/storage-driver.js';
export type { StateDriver } from './driver/state-driver.js';
export { LifecycleEventHub } from './driver/event-hub.js';
export { qemuMonitorEventFilter } from './driver/qemu-monitor-event-filter.js';
export { ConnectCloseReason } from './close-reason.js';
export { ConnectCredentialType, type ConnectCredential, type ConnectAuth } from './connect-auth.js';
export type { CloseCallbackEntryPoints, DriverCloseCallback } from './driver/close-callback-entry-points.js';
export { ObjectEventHub } from './driver/object-event-hub.js';
export { DomainConsoleFlags, type ConsoleEntryPoints, type LxcNamespaces } from './driver/console-entry-points.js';
export type {
  DomainRef, DomainInfo, NodeInfo, SecurityModel, SecurityLabel, DomainLifecycleEvent, EventSource,
} from './driver/driver-types.js';
export { VirError, ErrorCode, ErrorDomain, StreamHole, isStreamHole, type StreamChunk } from '@tsvirt/util';
