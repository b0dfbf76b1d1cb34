/* libvirt's public constants, with libvirt's numeric values (libvirt-domain.h); they are ABI. */

/** Every bit of a flag group (`flagMask(DomainRebootFlags)`): what an entry point accepting the whole group passes to checkFlags. */
export function flagMask(group: Readonly<Record<string, number>>): number {
  let mask = 0;
  for (const v of Object.values(group)) mask |= v;
  return mask >>> 0;
}

/** virDomainState. */
export const DomainState = {
  NOSTATE: 0, RUNNING: 1, BLOCKED: 2, PAUSED: 3, SHUTDOWN: 4, SHUTOFF: 5, CRASHED: 6, PMSUSPENDED: 7,
} as const;
export type DomainState = (typeof DomainState)[keyof typeof DomainState];

/** Reasons for each state (virDomainRunningReason, virDomainPausedReason, ...). */
export const DomainRunningReason = {
  UNKNOWN: 0, BOOTED: 1, MIGRATED: 2, RESTORED: 3, FROM_SNAPSHOT: 4, UNPAUSED: 5, MIGRATION_CANCELED: 6,
  SAVE_CANCELED: 7, WAKEUP: 8, CRASHED: 9, POSTCOPY: 10, POSTCOPY_FAILED: 11,
} as const;
export const DomainPausedReason = {
  UNKNOWN: 0, USER: 1, MIGRATION: 2, SAVE: 3, DUMP: 4, IOERROR: 5, WATCHDOG: 6, FROM_SNAPSHOT: 7,
  SHUTTING_DOWN: 8, SNAPSHOT: 9, CRASHED: 10, STARTING_UP: 11, POSTCOPY: 12, POSTCOPY_FAILED: 13,
} as const;
export const DomainShutdownReason = { UNKNOWN: 0, USER: 1 } as const;
export const DomainShutoffReason = {
  UNKNOWN: 0, SHUTDOWN: 1, DESTROYED: 2, CRASHED: 3, MIGRATED: 4, SAVED: 5, FAILED: 6, FROM_SNAPSHOT: 7, DAEMON: 8,
} as const;
export const DomainCrashedReason = { UNKNOWN: 0, PANICKED: 1 } as const;
export const DomainPMSuspendedReason = { UNKNOWN: 0 } as const;

/** virConnectListAllDomainsFlags. */
export const ListDomainsFlags = {
  ACTIVE: 1, INACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, RUNNING: 16, PAUSED: 32, SHUTOFF: 64, OTHER: 128,
  MANAGEDSAVE: 256, NO_MANAGEDSAVE: 512, AUTOSTART: 1024, NO_AUTOSTART: 2048, HAS_SNAPSHOT: 4096,
  NO_SNAPSHOT: 8192, HAS_CHECKPOINT: 16384, NO_CHECKPOINT: 32768,
} as const;

/** virDomainXMLFlags. */
export const DomainXMLFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;
/** virDomainCreateFlags. */
export const DomainCreateFlags = {
  NONE: 0, START_PAUSED: 1, START_AUTODESTROY: 2, START_BYPASS_CACHE: 4, START_FORCE_BOOT: 8, START_VALIDATE: 16,
  START_RESET_NVRAM: 32,
} as const;
/** virDomainDefineFlags. */
export const DomainDefineFlags = { VALIDATE: 1 } as const;
/** virDomainUndefineFlagsValues. */
export const DomainUndefineFlags = {
  MANAGED_SAVE: 1, SNAPSHOTS_METADATA: 2, NVRAM: 4, KEEP_NVRAM: 8, CHECKPOINTS_METADATA: 16, TPM: 32, KEEP_TPM: 64,
} as const;
/** virDomainShutdownFlagValues. */
export const DomainShutdownFlags = {
  DEFAULT: 0, ACPI_POWER_BTN: 1, GUEST_AGENT: 2, INITCTL: 4, SIGNAL: 8, PARAVIRT: 16,
} as const;
/** virDomainRebootFlagValues. */
export const DomainRebootFlags = DomainShutdownFlags;
/** virDomainDestroyFlagsValues. */
export const DomainDestroyFlags = { DEFAULT: 0, GRACEFUL: 1, REMOVE_LOGS: 2 } as const;
/** virDomainModificationImpact. */
export const DomainModificationImpact = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;

/** virDomainDeviceModifyFlags. */
export const DomainDeviceModifyFlags = { CURRENT: 0, LIVE: 1, CONFIG: 2, FORCE: 4 } as const;
/** virDomainVcpuFlags. */
export const DomainVcpuFlags = { CURRENT: 0, LIVE: 1, CONFIG: 2, MAXIMUM: 4, GUEST: 8, HOTPLUGGABLE: 16 } as const;
/** virDomainMemoryModFlags. */
export const DomainMemoryModFlags = { CURRENT: 0, LIVE: 1, CONFIG: 2, MAXIMUM: 4 } as const;
/** virVcpuState. */
export const VcpuState = { OFFLINE: 0, RUNNING: 1, BLOCKED: 2 } as const;
/** virDomainQemuMonitorCommandFlags. */
export const DomainQemuMonitorCommandFlags = { DEFAULT: 0, HMP: 1 } as const;
/** virConnectDomainQemuMonitorEventRegisterFlags: the event name is a regular expression; case is ignored. */
export const ConnectDomainQemuMonitorEventRegisterFlags = { REGEX: 1, NOCASE: 2 } as const;

/** virDomainEventType. */
export const DomainEventType = {
  DEFINED: 0, UNDEFINED: 1, STARTED: 2, SUSPENDED: 3, RESUMED: 4, STOPPED: 5, SHUTDOWN: 6, PMSUSPENDED: 7, CRASHED: 8,
} as const;
export type DomainEventType = (typeof DomainEventType)[keyof typeof DomainEventType];

/** The detail codes of each lifecycle event type. */
export const DomainEventDetail = {
  DEFINED: { ADDED: 0, UPDATED: 1, RENAMED: 2, FROM_SNAPSHOT: 3 },
  UNDEFINED: { REMOVED: 0, RENAMED: 1 },
  STARTED: { BOOTED: 0, MIGRATED: 1, RESTORED: 2, FROM_SNAPSHOT: 3, WAKEUP: 4 },
  SUSPENDED: {
    PAUSED: 0, MIGRATED: 1, IOERROR: 2, WATCHDOG: 3, RESTORED: 4, FROM_SNAPSHOT: 5, API_ERROR: 6, POSTCOPY: 7,
    POSTCOPY_FAILED: 8,
  },
  RESUMED: { UNPAUSED: 0, MIGRATED: 1, FROM_SNAPSHOT: 2, POSTCOPY: 3, POSTCOPY_FAILED: 4 },
  STOPPED: { SHUTDOWN: 0, DESTROYED: 1, CRASHED: 2, MIGRATED: 3, SAVED: 4, FAILED: 5, FROM_SNAPSHOT: 6 },
  SHUTDOWN: { FINISHED: 0, GUEST: 1, HOST: 2 },
  PMSUSPENDED: { MEMORY: 0, DISK: 1 },
  CRASHED: { PANICKED: 0, CRASHLOADED: 1 },
} as const;
