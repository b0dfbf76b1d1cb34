import { dirname } from 'node:path';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DriverPaths } from './driver-paths.js';

/** The status file format this driver writes; version 1 files (before versions were recorded) are migrated on read. */
export const STATUS_VERSION = 2;

type Json = Record<string, unknown>;
type Check = (v: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const int: Check = (v) => Number.isSafeInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const optional = (c: Check): Check => (v) => v === undefined || c(v);
const arrayOf = (c: Check): Check => (v) => Array.isArray(v) && v.every(c);
const record = (fields: Readonly<Record<string, Check>>): Check => (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(fields).every(([k, c]) => c((v as Json)[k]));
const mapOf = (c: Check): Check => (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(c);

const SHARED_USE = record({ key: str, path: str, label: str, sgio: optional((v) => v === 'filtered' || v === 'unfiltered'), alias: str });

const ACTIVE = record({
  phase: (v) => v === 'starting' || v === 'active', name: str, uuid: str, id: int, state: int, reason: int,
  pid: optional(int), pidStart: optional(str), runDir: str, monitor: str, xml: str, startPaused: bool, persistent: bool,
  sharedDisks: arrayOf(SHARED_USE), pendingUnplug: arrayOf(str), pendingPlug: optional(str), nextNode: int,
  diskNodes: mapOf(int), fakeReboot: bool,
});
const INACTIVE = record({ phase: (v) => v === 'inactive', name: str, reason: int });

function corrupt(file: string, why: string): VirError {
  return new VirError(ErrorCode.INTERNAL_ERROR, `corrupt status file '${file}': ${why}`, ErrorDomain.QEMU);
}

/**
 * Checks a parsed status file of domain `name` and brings an old version up to date. Anything
 * else (an unknown version, a missing or mistyped field, a run directory outside the root's state
 * directory) is a VirError naming the file: a status is never trusted on its word alone.
 */
export function checkStatus(raw: unknown, file: string, name: string, paths: DriverPaths): Json {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt(file, 'not a JSON object');
  const s = { ...(raw as Json) };
  const version = s['version'] ?? 1;
  if (version !== 1 && version !== STATUS_VERSION) throw corrupt(file, `unknown version ${JSON.stringify(version)}`);
  s['version'] = STATUS_VERSION;
  if (!(ACTIVE(s) || INACTIVE(s))) throw corrupt(file, 'missing or mistyped fields');
  if (s['name'] !== name) throw corrupt(file, `it names domain '${String(s['name'])}'`);
  if (s['phase'] !== 'inactive') {
    const runDir = s['runDir'] as string;
    if (dirname(runDir) !== paths.stateDir || dirname(s['monitor'] as string) !== runDir) throw corrupt(file, 'run directory outside the root');
  }
  return s;
}
