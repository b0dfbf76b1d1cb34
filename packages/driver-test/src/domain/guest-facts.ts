import { devicesOf, editDevice, findDevice, type DeviceOf, type DomainDef } from '@tsvirt/conf';
import {
  DomainControlErrorReason, DomainControlState, DomainDiskErrorCode, DomainMemoryStatTag as Tag, DomainModificationImpact as Impact,
  type DomainControlInfo, type DomainDiskError, type DomainMemoryStat, type DomainTime,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';
import { impactDef } from './impact.js';

const D = ErrorDomain.TEST;

function checkActive(obj: DomainObject): void {
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', ErrorDomain.DOMAIN);
}

/** libvirt's mock starts every guest clock at the same instant, and keeps what is set across restarts. */
const START_TIME: DomainTime = { seconds: 627319920n, nseconds: 0 };
const clocks = new WeakMap<DomainObject, DomainTime>();

const clockOf = (obj: DomainObject): DomainTime => clocks.get(obj) ?? START_TIME;

/** testDomainGetTime. */
export function getTime(obj: DomainObject, flags: number): DomainTime {
  checkFlags(flags, 0, 'testDomainGetTime', D);
  checkActive(obj);
  return clockOf(obj);
}

/** testDomainSetTime: DomainSetTimeFlags.SYNC (1) is the only flag. */
export function setTime(obj: DomainObject, time: DomainTime, flags: number): void {
  checkFlags(flags, 1, 'testDomainSetTime', D);
  checkActive(obj);
  clocks.set(obj, time);
}

/**
 * testDomainGetControlInfo: the guest clock doubles as a knob for tests of clients: below 10000 s
 * a job has run that many ms, below 30000 the monitor is occupied, below 60000 it failed (the
 * reason is the seconds modulo 4); any other time is "ok".
 */
export function getControlInfo(obj: DomainObject, flags: number): DomainControlInfo {
  checkFlags(flags, 0, 'testDomainGetControlInfo', D);
  checkActive(obj);
  const s = clockOf(obj).seconds;
  if (s > 0n && s < 10000n) return { state: DomainControlState.JOB, details: 0, stateTime: s };
  if (s >= 10000n && s < 30000n) return { state: DomainControlState.OCCUPIED, details: 0, stateTime: s - 10000n };
  if (s >= 30000n && s < 60000n) return { state: DomainControlState.ERROR, details: Number(s % 4n), stateTime: s - 30000n };
  return { state: DomainControlState.OK, details: DomainControlErrorReason.NONE, stateTime: 0n };
}

/** testDomainGetHostname: `NAMEhost`, for a running guest. */
export function getHostname(obj: DomainObject, flags: number): string {
  checkFlags(flags, 0, 'testDomainGetHostname', D);
  checkActive(obj);
  return `${obj.def.name}host`;
}

/** testDomainGetDiskErrors: every disk of a running guest has failed, alternately unspecified and out of space. */
export function getDiskErrors(obj: DomainObject): DomainDiskError[] {
  checkActive(obj);
  return devicesOf(obj.def, 'disk').map((disk, i) => ({
    disk: disk.target!.dev!,
    error: i % 2 === 0 ? DomainDiskErrorCode.UNSPEC : DomainDiskErrorCode.NO_SPACE,
  }));
}

/** The guest's memory balloon, unless its model is `none`. */
function balloon(def: DomainDef): DeviceOf<'memballoon'> | undefined {
  const dev = findDevice(def, 'memballoon');
  return dev?.model !== 'none' ? dev : undefined;
}

/** testDomainMemoryStats: counters derived from the current allocation, for a running guest with a balloon. */
export function memoryStats(obj: DomainObject, nrStats: number, flags: number): DomainMemoryStat[] {
  checkFlags(flags, 0, 'testDomainMemoryStats', D);
  checkActive(obj);
  if (!balloon(obj.def)) return [];
  const cur = BigInt(obj.def.currentMemoryKiB);
  const stats: DomainMemoryStat[] = [
    [Tag.ACTUAL_BALLOON, cur], [Tag.SWAP_IN, 0n], [Tag.SWAP_OUT, 0n], [Tag.MAJOR_FAULT, 0n], [Tag.MINOR_FAULT, 0n],
    [Tag.UNUSED, cur / 2n], [Tag.AVAILABLE, cur], [Tag.USABLE, cur / 2n], [Tag.LAST_UPDATE, START_TIME.seconds],
    [Tag.DISK_CACHES, cur / 8n], [Tag.HUGETLB_PGALLOC, 0n], [Tag.HUGETLB_PGFAIL, 0n], [Tag.RSS, cur / 2n],
  ].map(([tag, val]) => ({ tag: Number(tag), val: BigInt(val!) }));
  return stats.slice(0, nrStats);
}

/** testDomainSetMemoryStatsPeriod: `<stats period>` of the balloon in the one definition the impact names. */
export function setMemoryStatsPeriod(obj: DomainObject, period: number, flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetMemoryStatsPeriod', D);
  const def = impactDef(obj, flags);
  const dev = balloon(def);
  if (!dev) throw new VirError(ErrorCode.INTERNAL_ERROR, 'No memory balloon device configured, can not set the collection period', D);
  def.devices = editDevice(def, dev, (d) => {
    d.statsPeriod = period;
  }).devices;
}
