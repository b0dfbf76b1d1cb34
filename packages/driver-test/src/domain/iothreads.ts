import { formatCpuSet, otherPart, parseCpuSet, setDomainPart, type DomainDef } from '@tsvirt/conf';
import {
  DomainModificationImpact as Impact, TypedParameterType as P, findTypedParam, typedULLong, typedUInt, validateTypedParams,
  type DomainIOThreadInfo, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef } from './impact.js';

const D = ErrorDomain.TEST;
const IMPACT = Impact.LIVE | Impact.CONFIG;

/** The IOThreads of a definition, from `<iothreadids>` or, without it, 1..`<iothreads>`. */
function iothreads(def: DomainDef): Array<{ id?: number }> {
  const ids = otherPart(def, 'iothreadids')?.iothreads;
  if (ids) return ids;
  return Array.from({ length: otherPart(def, 'iothreads')?.count ?? 0 }, (_, i) => ({ id: i + 1 }));
}

/** The IOThread ids of a definition. */
export function iothreadIds(def: DomainDef): number[] {
  return iothreads(def).map((t) => t.id!);
}

/** Writes the threads back as `<iothreads>` and `<iothreadids>`, dropping both when none is left. */
function writeIds(def: DomainDef, threads: ReadonlyArray<{ id?: number }>): void {
  const some = threads.length > 0;
  setDomainPart(def, 'iothreads', some ? { ...otherPart(def, 'iothreads'), count: threads.length } : undefined);
  setDomainPart(def, 'iothreadids', some ? { ...otherPart(def, 'iothreadids'), iothreads: [...threads] } : undefined);
}

const pins = (def: DomainDef): Array<{ iothread?: number; cpuset?: string }> => otherPart(def, 'cputune')?.iothreadpins ?? [];

/** Replaces (or with no map, removes) an IOThread's pinning; pins stay in id order, after the other tunables. */
function setPin(def: DomainDef, id: number, cpumap: readonly boolean[] | undefined): void {
  const cputune = otherPart(def, 'cputune');
  if (!cputune && !cpumap) return;
  const kept = pins(def).filter((p) => p.iothread !== id);
  if (cpumap) kept.push({ iothread: id, cpuset: formatCpuSet(cpumap) });
  kept.sort((a, b) => a.iothread! - b.iothread!);
  setDomainPart(def, 'cputune', { ...cputune, iothreadpins: kept.length ? kept : undefined });
}

/** testDomainGetIOThreadInfo: each IOThread with its pinning, or one CPU per vcpu where it has none. */
export function getIOThreadInfo(obj: DomainObject, flags: number): DomainIOThreadInfo[] {
  checkFlags(flags, IMPACT, 'testDomainGetIOThreadInfo', D);
  const def = impactDef(obj, flags);
  return iothreadIds(def).map((iothreadId) => {
    const pin = pins(def).find((p) => p.iothread === iothreadId);
    const cpumap = pin ? parseCpuSet(pin.cpuset!) : new Array<boolean>(def.vcpu.count).fill(true);
    return { iothreadId, cpumap };
  });
}

/** testDomainAddIOThread. */
export function addIOThread(obj: DomainObject, id: number, flags: number): void {
  checkFlags(flags, IMPACT, 'testDomainAddIOThread', D);
  const def = impactDef(obj, flags);
  const threads = iothreads(def);
  if (threads.some((t) => t.id === id)) throw new VirError(ErrorCode.INVALID_ARG, `an IOThread is already using iothread_id '${id}'`, D);
  writeIds(def, [...threads, { id }]);
  const list = registry(obj);
  if (!list.some((p) => p.id === id)) list.push(newPolling(id));
}

/** testDomainDelIOThread: the IOThread and its pinning go. */
export function delIOThread(obj: DomainObject, id: number, flags: number): void {
  checkFlags(flags, IMPACT, 'testDomainDelIOThread', D);
  const def = impactDef(obj, flags);
  const threads = iothreads(def);
  if (!threads.some((t) => t.id === id)) throw new VirError(ErrorCode.INVALID_ARG, `cannot find IOThread '${id}' in iothreadids list`, D);
  writeIds(def, threads.filter((t) => t.id !== id));
  setPin(def, id, undefined);
  registries.set(obj, registry(obj).filter((p) => p.id !== id));
}

/** testDomainPinIOThread. */
export function pinIOThread(obj: DomainObject, id: number, cpumap: readonly boolean[], flags: number): void {
  checkFlags(flags, IMPACT, 'testDomainPinIOThread', D);
  const def = impactDef(obj, flags);
  if (!iothreadIds(def).includes(id)) throw new VirError(ErrorCode.INVALID_ARG, `iothreadid ${id} not found`, D);
  setPin(def, id, cpumap);
}

/** An IOThread's polling tunables, which live outside the XML. */
interface Polling {
  readonly id: number;
  maxNs: bigint;
  grow: number;
  shrink: number;
}

/**
 * libvirt's mock keeps its own list of IOThreads and their tunables beside the definitions: filled
 * from the definition, then every add appends and every delete removes, whichever definition it
 * touched. The `iothread.*` statistics report this list.
 */
const registries = new WeakMap<DomainObject, Polling[]>();

function registry(obj: DomainObject): Polling[] {
  let list = registries.get(obj);
  if (!list) {
    list = iothreadIds(obj.def).map(newPolling);
    registries.set(obj, list);
  }
  return list;
}

const newPolling = (id: number): Polling => ({ id, maxNs: 32768n, grow: 0, shrink: 0 });

/** testDomainSetIOThreadParams: the polling tunables of one IOThread of the running domain. */
export function setIOThreadParams(obj: DomainObject, id: number, params: readonly TypedParameter[], flags: number): void {
  // Only the running domain's tunables can be set: libvirt 9.0 takes LIVE alone here.
  checkFlags(flags, Impact.LIVE, 'testDomainSetIOThreadParams', D);
  validateTypedParams(params, { 'poll_max_ns': P.ULLONG, 'poll_grow': P.UINT, 'poll_shrink': P.UINT });
  const def = impactDef(obj, flags | Impact.LIVE);
  const entry = registry(obj).find((p) => p.id === id);
  if (!iothreadIds(def).includes(id) || !entry) throw new VirError(ErrorCode.INVALID_ARG, `cannot find IOThread '${id}' in iothreadids`, D);
  const value = <V>(field: string): V | undefined => findTypedParam(params, field)?.value as V | undefined;
  entry.maxNs = value<bigint>('poll_max_ns') ?? entry.maxNs;
  entry.grow = value<number>('poll_grow') ?? entry.grow;
  entry.shrink = value<number>('poll_shrink') ?? entry.shrink;
}

/** The `iothread.*` statistics of a running domain. */
export function iothreadStats(obj: DomainObject): TypedParameter[] {
  const list = registry(obj);
  if (list.length === 0) return [];
  return [typedUInt('iothread.count', list.length), ...list.flatMap((p) => [
    typedULLong(`iothread.${p.id}.poll-max-ns`, p.maxNs), typedUInt(`iothread.${p.id}.poll-grow`, p.grow),
    typedUInt(`iothread.${p.id}.poll-shrink`, p.shrink),
  ])];
}
