import { attr, childElements, element, formatCpuSet, parseCpuSet, textOf, type DomainDef, type XmlElement } from '@tsvirt/conf';
import {
  DomainModificationImpact as Impact, TypedParameterType as P, findTypedParam, typedULLong, typedUInt, validateTypedParams,
  type DomainIOThreadInfo, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef } from './impact.js';

const D = ErrorDomain.TEST;
const IMPACT = Impact.LIVE | Impact.CONFIG;

const top = (def: DomainDef, name: string): XmlElement | undefined => def.other.find((e) => e.name === name);

/** The IOThread ids of a definition, from `<iothreadids>` or, without it, 1..`<iothreads>`. */
export function iothreadIds(def: DomainDef): number[] {
  const ids = top(def, 'iothreadids');
  if (ids) return childElements(ids, 'iothread').map((t) => Number(attr(t, 'id')));
  const count = top(def, 'iothreads');
  return count ? Array.from({ length: Number(textOf(count).trim()) }, (_, i) => i + 1) : [];
}

/** Writes the ids back as `<iothreads>` and `<iothreadids>` where they were (else before `<cputune>`), dropping both when none is left. */
function writeIds(def: DomainDef, ids: readonly number[]): void {
  const at = def.other.findIndex((e) => e.name === 'iothreads' || e.name === 'iothreadids' || e.name === 'cputune');
  def.other = def.other.filter((e) => e.name !== 'iothreads' && e.name !== 'iothreadids');
  if (ids.length === 0) return;
  const els = [element('iothreads', [], [{ kind: 'text', text: String(ids.length) }]),
    element('iothreadids', [], ids.map((id) => element('iothread', [['id', String(id)]])))];
  def.other.splice(at < 0 ? def.other.length : at, 0, ...els);
}

function pins(def: DomainDef): XmlElement[] {
  const cputune = top(def, 'cputune');
  return cputune ? childElements(cputune, 'iothreadpin') : [];
}

/** Replaces (or with no map, removes) an IOThread's pinning; pins stay in id order, after the other tunables. */
function setPin(def: DomainDef, id: number, cpumap: readonly boolean[] | undefined): void {
  let cputune = top(def, 'cputune');
  if (!cputune) {
    if (!cpumap) return;
    cputune = element('cputune');
    def.other.push(cputune);
  }
  const kept = pins(def).filter((p) => attr(p, 'iothread') !== String(id));
  if (cpumap) kept.push(element('iothreadpin', [['iothread', String(id)], ['cpuset', formatCpuSet(cpumap)]]));
  kept.sort((a, b) => Number(attr(a, 'iothread')) - Number(attr(b, 'iothread')));
  cputune.children = [...cputune.children.filter((c) => c.kind !== 'element' || c.name !== 'iothreadpin'), ...kept];
  if (cputune.children.every((c) => c.kind !== 'element')) def.other = def.other.filter((e) => e !== cputune);
}

/** testDomainGetIOThreadInfo: each IOThread with its pinning, or one CPU per vcpu where it has none. */
export function getIOThreadInfo(obj: DomainObject, flags: number): DomainIOThreadInfo[] {
  checkFlags(flags, IMPACT, 'testDomainGetIOThreadInfo', D);
  const def = impactDef(obj, flags);
  return iothreadIds(def).map((iothreadId) => {
    const pin = pins(def).find((p) => attr(p, 'iothread') === String(iothreadId));
    const cpumap = pin ? parseCpuSet(attr(pin, 'cpuset')!) : new Array<boolean>(def.vcpu.count).fill(true);
    return { iothreadId, cpumap };
  });
}

/** testDomainAddIOThread. */
export function addIOThread(obj: DomainObject, id: number, flags: number): void {
  checkFlags(flags, IMPACT, 'testDomainAddIOThread', D);
  const def = impactDef(obj, flags);
  const ids = iothreadIds(def);
  if (ids.includes(id)) throw new VirError(ErrorCode.INVALID_ARG, `an IOThread is already using iothread_id '${id}'`, D);
  writeIds(def, [...ids, id]);
  const list = registry(obj);
  if (!list.some((p) => p.id === id)) list.push(newPolling(id));
}

/** testDomainDelIOThread: the IOThread and its pinning go. */
export function delIOThread(obj: DomainObject, id: number, flags: number): void {
  checkFlags(flags, IMPACT, 'testDomainDelIOThread', D);
  const def = impactDef(obj, flags);
  const ids = iothreadIds(def);
  if (!ids.includes(id)) throw new VirError(ErrorCode.INVALID_ARG, `cannot find IOThread '${id}' in iothreadids list`, D);
  writeIds(def, ids.filter((i) => i !== id));
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
