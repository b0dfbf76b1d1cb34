/** virDomainEventID: the kinds of domain event a client registers for. */
export const DomainEventID = {
  LIFECYCLE: 0, REBOOT: 1, RTC_CHANGE: 2, WATCHDOG: 3, IO_ERROR: 4, GRAPHICS: 5, IO_ERROR_REASON: 6, CONTROL_ERROR: 7,
  BLOCK_JOB: 8, DISK_CHANGE: 9, TRAY_CHANGE: 10, PMWAKEUP: 11, PMSUSPEND: 12, BALLOON_CHANGE: 13, PMSUSPEND_DISK: 14,
  DEVICE_REMOVED: 15, BLOCK_JOB_2: 16, TUNABLE: 17, AGENT_LIFECYCLE: 18, DEVICE_ADDED: 19, MIGRATION_ITERATION: 20,
  JOB_COMPLETED: 21, DEVICE_REMOVAL_FAILED: 22, METADATA_CHANGE: 23, BLOCK_THRESHOLD: 24, MEMORY_FAILURE: 25,
  MEMORY_DEVICE_SIZE_CHANGE: 26,
} as const;
export type DomainEventID = (typeof DomainEventID)[keyof typeof DomainEventID];

/** virConnectDomainEventAgentLifecycleState: the guest agent's end of its channel. */
export const DomainEventAgentLifecycleState = { CONNECTED: 1, DISCONNECTED: 2 } as const;
/** virConnectDomainEventAgentLifecycleReason: why the state is reported. */
export const DomainEventAgentLifecycleReason = { UNKNOWN: 0, DOMAIN_STARTED: 1, CHANNEL: 2 } as const;

/** virDomainBlockJobType. */
export const DomainBlockJobType = { UNKNOWN: 0, PULL: 1, COPY: 2, COMMIT: 3, ACTIVE_COMMIT: 4, BACKUP: 5 } as const;
/** virConnectDomainEventBlockJobStatus. */
export const DomainBlockJobStatus = { COMPLETED: 0, FAILED: 1, CANCELED: 2, READY: 3 } as const;
