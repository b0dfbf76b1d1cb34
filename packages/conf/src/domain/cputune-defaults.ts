import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, firstChild, type XmlElement } from '../xml/xml-node.js';
import { cloneElement, setAttr } from '../xml/xml-edit.js';
import { formatCpuSet, parseCpuSet } from '../cpuset.js';
import { int, missingAttr, oneOf, uint } from '../model/codec.js';
import { IOTHREADIDS, IOTHREADS } from './parts/iothreads.js';

const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, ErrorDomain.DOMAIN);

/** The members of a bitmap attribute (`0-3,^1`), in increasing order. */
function members(text: string): number[] {
  return parseCpuSet(text).flatMap((on, i) => (on ? [i] : []));
}

/**
 * The guest's threads of one kind (vCPUs or I/O threads) as libvirt numbers them: whether an id
 * exists, and where it stands in libvirt's order of them.
 */
interface Threads {
  readonly kind: 'vcpu' | 'iothread';
  has(id: number): boolean;
  rank(id: number): number;
  missing(id: number): VirError;
}

function vcpuThreads(count: number): Threads {
  return {
    kind: 'vcpu',
    has: (id) => id < count,
    rank: (id) => id,
    missing: (id) => unsupported(`vCPU '${id}' is not present in domain definition`),
  };
}

/**
 * I/O threads: those `<iothreadids>` lists, in its order, then the lowest free ids up to the
 * `<iothreads>` count (computed, not enumerated, so a huge count costs nothing).
 */
function ioThreads(root: XmlElement): Threads {
  const ids = firstChild(root, 'iothreadids');
  const listed = ((ids && IOTHREADIDS.parse(ids).iothreads) ?? []).map(({ id }) => {
    if (id === undefined) throw missingAttr('id', 'iothread');
    return id;
  });
  const countEl = firstChild(root, 'iothreads');
  const count = (countEl && IOTHREADS.parse(countEl).count) ?? 0;
  const at = new Map(listed.map((id, i) => [id, i]));
  // The n-th free id holds rank listed.length + n - 1 (the free ids below it and itself).
  const freeRank = (id: number): number => id - listed.filter((l) => l >= 1 && l <= id).length;
  return {
    kind: 'iothread',
    has: (id) => at.has(id) || (id >= 1 && freeRank(id) <= count - listed.length),
    rank: (id) => at.get(id) ?? listed.length + freeRank(id),
    missing: (id) => unsupported(`Cannot find 'iothread' : ${id}`),
  };
}

/** Replaces the `name` children of `parent` by `news`, where the first of them stood. */
function replaceAll(parent: XmlElement, name: string, news: XmlElement[]): void {
  const first = parent.children.findIndex((c) => c.kind === 'element' && c.name === name);
  if (first < 0) return;
  const before = parent.children.slice(0, first);
  const after = parent.children.slice(first).filter((c) => c.kind !== 'element' || c.name !== name);
  parent.children = [...before, ...news, ...after];
}

const SCHEDULER = oneOf('batch', 'idle', 'fifo', 'rr');

/** A scheduler and, for the real-time ones only, its required priority; a priority elsewhere is dropped. */
function schedulerOf(el: XmlElement): void {
  const scheduler = attr(el, 'scheduler');
  if (scheduler === undefined) throw missingAttr('scheduler', el.name);
  const policy = SCHEDULER.decode(scheduler, { attr: 'scheduler', element: el.name });
  if (policy !== 'fifo' && policy !== 'rr') return setAttr(el, 'priority', undefined);
  const priority = attr(el, 'priority');
  if (priority === undefined) throw missingAttr('priority', el.name);
  int.decode(priority, { attr: 'priority', element: el.name });
}

/**
 * `<vcpusched>` / `<iothreadsched>`: libvirt keeps a scheduler per thread, so a group naming
 * several threads comes back as one element per thread, in the threads' order. Each is a copy of
 * the element that named it, so whatever else it carried stays.
 */
function splitSchedulers(cputune: XmlElement, threads: Threads): void {
  const name = `${threads.kind}sched`;
  const list = `${threads.kind}s`;
  const owner = new Map<number, XmlElement>();
  for (const el of childElements(cputune, name)) {
    const text = attr(el, list);
    if (text === undefined) throw new VirError(ErrorCode.XML_ERROR, `Missing attribute '${list}' in element '${name}'`, ErrorDomain.DOMAIN);
    const ids = members(text);
    if (ids.length === 0) throw unsupported(`'${list}' scheduler bitmap '${text}' is empty`);
    schedulerOf(el);
    for (const id of ids) {
      if (!threads.has(id)) throw threads.missing(id);
      if (owner.has(id)) throw new VirError(ErrorCode.XML_DETAIL, `'${name}' attributes '${list}' must not overlap`, ErrorDomain.DOMAIN);
      owner.set(id, el);
    }
  }
  const ordered = [...owner].sort(([a], [b]) => threads.rank(a) - threads.rank(b));
  replaceAll(cputune, name, ordered.map(([id, el]) => {
    const one = cloneElement(el);
    setAttr(one, list, String(id));
    return one;
  }));
}

/**
 * `<vcpupin>` / `<iothreadpin>`: one per thread, in the threads' order. A pin of a vCPU the guest
 * does not have is ignored (libvirt only warns); a pin of a missing I/O thread is refused.
 */
function orderPins(cputune: XmlElement, threads: Threads): void {
  const name = `${threads.kind}pin`;
  const kept = new Map<number, XmlElement>();
  for (const el of childElements(cputune, name)) {
    const raw = attr(el, threads.kind);
    if (raw === undefined) throw missingAttr(threads.kind, name);
    const id = uint.decode(raw, { attr: threads.kind, element: name });
    if (!threads.has(id)) {
      if (threads.kind === 'vcpu') continue;
      throw threads.missing(id);
    }
    if (kept.has(id)) throw new VirError(ErrorCode.INTERNAL_ERROR, `duplicate ${name} for ${threads.kind} '${id}'`, ErrorDomain.DOMAIN);
    kept.set(id, el);
  }
  replaceAll(cputune, name, [...kept].sort(([a], [b]) => threads.rank(a) - threads.rank(b)).map(([, el]) => el));
}

/** Limits a `vcpus` attribute to the guest's vCPUs; returns the members left. */
function shrinkVcpus(el: XmlElement, count: number): number[] {
  const ids = members(attr(el, 'vcpus') ?? '').filter((id) => id < count);
  setAttr(el, 'vcpus', formatCpuSet(ids.reduce((bits, id) => ((bits[id] = true), bits), [] as boolean[])));
  return ids;
}

/**
 * Resource control groups (`<cachetune>`, `<memorytune>`) and their monitors only ever name the
 * guest's vCPUs: the rest of their sets is dropped, and a group left with none goes. Memory
 * tunes follow the groups they join: those sharing a cache tune's vCPUs in the cache tunes' order.
 */
function shrinkResctrl(cputune: XmlElement, count: number): void {
  const keys: string[] = [];
  for (const el of childElements(cputune).filter((c) => c.name === 'cachetune' || c.name === 'memorytune')) {
    const ids = shrinkVcpus(el, count);
    if (ids.length === 0) {
      cputune.children = cputune.children.filter((c) => c !== el);
      continue;
    }
    for (const monitor of childElements(el, 'monitor')) {
      if (shrinkVcpus(monitor, count).length === 0) throw new VirError(ErrorCode.INVALID_ARG, 'vcpus is empty', ErrorDomain.DOMAIN);
    }
    if (el.name === 'cachetune') keys.push(attr(el, 'vcpus')!);
  }
  const memorytunes = childElements(cputune, 'memorytune');
  const rank = (el: XmlElement): number => {
    const i = keys.indexOf(attr(el, 'vcpus')!);
    return i < 0 ? keys.length : i;
  };
  replaceAll(cputune, 'memorytune', memorytunes.map((el, i) => ({ el, i })).sort((a, b) => rank(a.el) - rank(b.el) || a.i - b.i).map(({ el }) => el));
}

/**
 * libvirt's conf-level normalisation of `<cputune>`, in its parse order: pins and schedulers per
 * thread, resource control groups within the guest's `count` vCPUs.
 */
export function applyCputuneDefaults(root: XmlElement, count: number): void {
  const cputune = firstChild(root, 'cputune');
  if (!cputune) return;
  const vcpus = vcpuThreads(count);
  const iothreads = ioThreads(root);
  orderPins(cputune, vcpus);
  orderPins(cputune, iothreads);
  for (const el of childElements(cputune, 'emulatorsched')) schedulerOf(el);
  splitSchedulers(cputune, vcpus);
  splitSchedulers(cputune, iothreads);
  shrinkResctrl(cputune, count);
}
