import { DomainState } from '@tsvirt/api';

/** virsh's words for each domain state. */
const STATES: Record<number, string> = {
  [DomainState.NOSTATE]: 'no state',
  [DomainState.RUNNING]: 'running',
  [DomainState.BLOCKED]: 'idle',
  [DomainState.PAUSED]: 'paused',
  [DomainState.SHUTDOWN]: 'in shutdown',
  [DomainState.SHUTOFF]: 'shut off',
  [DomainState.CRASHED]: 'crashed',
  [DomainState.PMSUSPENDED]: 'pmsuspended',
};

/** virsh's words for each state's reasons, indexed by reason code. */
const REASONS: Record<number, readonly string[]> = {
  [DomainState.NOSTATE]: ['unknown'],
  [DomainState.RUNNING]: ['unknown', 'booted', 'migrated', 'restored', 'from snapshot', 'unpaused', 'migration canceled',
    'save canceled', 'event wakeup', 'crashed', 'post-copy', 'post-copy failed'],
  [DomainState.BLOCKED]: ['unknown'],
  [DomainState.PAUSED]: ['unknown', 'user', 'migrating', 'saving', 'dumping', 'I/O error', 'watchdog', 'from snapshot',
    'shutting down', 'creating snapshot', 'crashed', 'starting up', 'post-copy', 'post-copy failed'],
  [DomainState.SHUTDOWN]: ['unknown', 'user'],
  [DomainState.SHUTOFF]: ['unknown', 'shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from snapshot',
    'daemon'],
  [DomainState.CRASHED]: ['unknown', 'panicked'],
  [DomainState.PMSUSPENDED]: ['unknown'],
};

export function stateName(state: number): string {
  return STATES[state] ?? 'no state';
}

export function reasonName(state: number, reason: number): string {
  return REASONS[state]?.[reason] ?? 'unknown';
}
