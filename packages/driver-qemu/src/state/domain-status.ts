import type { InterfacePlug } from '../network/interface-plug.js';
import type { Sgio } from '../devices/qemu-disk.js';
import type { BlockJobRecord } from '../blockjob/block-job-record.js';

/** One use of a tracked shared device by a domain: what the shared-disk table is rebuilt from. */
export interface SharedDiskUse {
  /** `major:minor` of the device (stat's rdev). */
  readonly key: string;
  /** The host path of the device. */
  readonly path: string;
  /** How the disk is named in messages (its path, or pool and volume). */
  readonly label: string;
  /** What this domain asked for, for `device='lun'` disks. */
  readonly sgio?: Sgio | undefined;
  /** The device id of the disk or hostdev in QEMU. */
  readonly alias: string;
  /** The block device whose unpriv_sgio the sgio sets, when not `key` (a SCSI hostdev's LUN). */
  readonly sgioKey?: string | undefined;
  /** Set for a shareable SCSI hostdev (messages name it as one). */
  readonly hostdev?: boolean | undefined;
}

/** A host adapter's SCSI LUN a domain holds through a `<hostdev type='scsi'>`. */
export interface ScsiHostdevUse {
  /** libvirt's name of the LUN, `host:bus:target:unit`. */
  readonly name: string;
  /** The hostdev's device id in QEMU. */
  readonly alias: string;
  readonly shareable: boolean;
}

/**
 * The run state of a domain that is starting or running, kept in a status file so that any
 * process can find and reconnect to its QEMU (libvirt's `<domstatus>`).
 */
export interface ActiveStatus {
  phase: 'starting' | 'active';
  readonly name: string;
  readonly uuid: string;
  readonly id: number;
  state: number;
  reason: number;
  /** QEMU's pid and its start time in /proc (so a reused pid is never mistaken for it). */
  pid?: number | undefined;
  pidStart?: string | undefined;
  /** The per-run directory: monitor socket, pid file, master key. */
  readonly runDir: string;
  readonly monitor: string;
  /** The live definition. */
  xml: string;
  readonly startPaused: boolean;
  /** Whether the domain has a persistent definition too. */
  persistent: boolean;
  sharedDisks: SharedDiskUse[];
  /** The host adapters' SCSI LUNs the domain holds (what another domain's start or attach is checked against). */
  scsiHostdevs?: ScsiHostdevUse[];
  /** Device ids whose unplug QEMU has not confirmed yet. */
  pendingUnplug: string[];
  /** A device id being plugged by a job that may have died midway. */
  pendingPlug?: string | undefined;
  /** The next number for block node names (`libvirt-N-format`). */
  nextNode: number;
  /** The block node number of each disk and SCSI hostdev, by device id. */
  diskNodes: Record<string, number>;
  /** Set while a reboot waits for the guest to power off, so it is reset instead of stopped. */
  fakeReboot: boolean;
  /** The number the next descriptor set of this run takes (those of the start come first). */
  nextFdSet?: number;
  /** The taps and network ports of the domain's `network` and `bridge` interfaces. */
  netPlugs?: InterfacePlug[];
  /** Block jobs in flight, by disk target. */
  blockJobs?: Record<string, BlockJobRecord>;
  /** How long guest agent calls wait, in seconds or DomainAgentResponseTimeout (unset: the default). */
  agentTimeout?: number | undefined;
}

/** How a persistent domain last stopped, kept so every process reports the same shutoff reason. */
export interface InactiveStatus {
  readonly phase: 'inactive';
  readonly name: string;
  readonly reason: number;
}

export type DomainStatus = ActiveStatus | InactiveStatus;

/** Whether a status describes a domain that is starting or running. */
export function isActiveStatus(s: DomainStatus | undefined): s is ActiveStatus {
  return s !== undefined && s.phase !== 'inactive';
}

/** Whether a run has something only QEMU can settle: an unfinished plug or unplug, or a reboot waiting for the guest. */
export function hasUnsettledWork(s: ActiveStatus): boolean {
  return s.pendingUnplug.length > 0 || s.pendingPlug !== undefined || s.fakeReboot;
}
