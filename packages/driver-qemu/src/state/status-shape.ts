import { dirname } from 'node:path';

/**
 * A quick look at a status file's data, for the statuses nearly every file holds: whether the
 * status schema (`status-file.ts`) would take it as it is. It never says yes where the schema
 * says no; it says no to anything it does not know well (shared disks, SCSI hostdevs, block
 * jobs, a key the schema would drop), which the schema then judges and explains. Every process
 * reads the statuses of its root's running domains once: the schema's cold first runs cost 5–30
 * ms of CPU per command, this look a fraction of a millisecond.
 */

type Entries = Record<string, unknown>;

const isInt = (x: unknown): boolean => Number.isSafeInteger(x);
const isString = (x: unknown): boolean => typeof x === 'string';
const isBoolean = (x: unknown): boolean => typeof x === 'boolean';
/** A plain object with none of the keys a record or object schema handles apart. */
const isEntries = (x: unknown): x is Entries =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !Object.hasOwn(x, '__proto__') && !Object.hasOwn(x, 'constructor') && !Object.hasOwn(x, 'prototype');
const isEmptyArray = (x: unknown): boolean => Array.isArray(x) && x.length === 0;
const isEmptyRecord = (x: unknown): boolean => isEntries(x) && Object.keys(x).length === 0;

/** An object with exactly these fields: each required one present, no other key, each value as `fields` says (`undefined`: absent). */
function hasFields(o: Entries, fields: Readonly<Record<string, (x: unknown) => boolean>>, optional: ReadonlySet<string>): boolean {
  for (const key of Object.keys(o)) if (!Object.hasOwn(fields, key) || !fields[key]!(o[key])) return false;
  for (const key of Object.keys(fields)) if (!optional.has(key) && !Object.hasOwn(o, key)) return false;
  return true;
}

const NET_PLUG: Record<string, (x: unknown) => boolean> = {
  index: isInt, tap: isString, bridge: isString, network: isString, portUUID: isString, unmanaged: isBoolean,
};
const NET_PLUG_OPTIONAL = new Set(['network', 'portUUID', 'unmanaged']);

const ACTIVE: Record<string, (x: unknown) => boolean> = {
  phase: (x) => x === 'starting' || x === 'active', name: isString, uuid: isString, id: isInt, state: isInt, reason: isInt,
  pid: isInt, pidStart: isString, runDir: isString, monitor: isString, xml: isString, startPaused: isBoolean, persistent: isBoolean,
  sharedDisks: isEmptyArray, scsiHostdevs: isEmptyArray, pendingUnplug: (x) => Array.isArray(x) && x.every(isString), pendingPlug: isString,
  nextNode: isInt, diskNodes: (x) => isEntries(x) && Object.values(x).every(isInt), fakeReboot: isBoolean,
  netPlugs: (x) => Array.isArray(x) && x.every((p) => isEntries(p) && hasFields(p, NET_PLUG, NET_PLUG_OPTIONAL)),
  blockJobs: isEmptyRecord, agentTimeout: (x) => isInt(x) && (x as number) >= -2, nextFdSet: isInt,
};
const ACTIVE_OPTIONAL = new Set(['pid', 'pidStart', 'scsiHostdevs', 'pendingPlug', 'netPlugs', 'blockJobs', 'agentTimeout', 'nextFdSet']);

const INACTIVE: Record<string, (x: unknown) => boolean> = { phase: (x) => x === 'inactive', name: isString, reason: isInt };

/** Whether `data` is a status the schema of a root whose state directory is `stateDir` takes unchanged. */
export function isPlainStatus(data: unknown, stateDir: string): boolean {
  if (!isEntries(data)) return false;
  if (data.phase === 'inactive') return hasFields(data, INACTIVE, new Set());
  return hasFields(data, ACTIVE, ACTIVE_OPTIONAL) && dirname(data.runDir as string) === stateDir && dirname(data.monitor as string) === data.runDir;
}
