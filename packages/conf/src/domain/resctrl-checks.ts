import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, firstChild, type XmlElement } from '../xml/xml-node.js';
import { parseCpuSet } from '../cpuset.js';

const xmlError = (detail: string): VirError => new VirError(ErrorCode.XML_ERROR, detail, ErrorDomain.DOMAIN);

/** The vCPUs a resctrl group or monitor names, as a set of indexes. */
function vcpusOf(el: XmlElement): Set<number> {
  const bits = parseCpuSet(attr(el, 'vcpus') ?? '');
  return new Set(bits.flatMap((on, i) => (on ? [i] : [])));
}

const same = (a: Set<number>, b: Set<number>): boolean => a.size === b.size && [...a].every((v) => b.has(v));
const overlap = (a: Set<number>, b: Set<number>): boolean => [...a].some((v) => b.has(v));

/** One cachetune's cache allocations: `both` takes the code and data halves of a level and id. */
function checkCaches(tune: XmlElement): void {
  const taken = new Map<string, Set<string>>();
  for (const cache of childElements(tune, 'cache')) {
    const level = attr(cache, 'level') ?? '';
    const id = attr(cache, 'id') ?? '';
    const type = attr(cache, 'type') ?? '';
    const key = `${level}/${id}`;
    const types = taken.get(key) ?? new Set<string>();
    if (types.has(type) || types.has('both') || (type === 'both' && types.size > 0)) {
      throw xmlError(`Colliding cache allocations for cache level '${level}' id '${id}', type '${type}'`);
    }
    taken.set(key, types.add(type));
  }
}

function checkMemoryNodes(tune: XmlElement): void {
  const ids = new Set<string>();
  for (const node of childElements(tune, 'node')) {
    const id = attr(node, 'id') ?? '';
    if (ids.has(id)) throw xmlError(`Memory Bandwidth already defined for node ${id}`);
    ids.add(id);
  }
}

/**
 * libvirt's rules for resource control groups (`<cachetune>`, `<memorytune>`): allocations that
 * do not collide inside a group, monitors within their group's vCPUs, and groups whose vCPU sets
 * are either the same (a memorytune joins the cachetune of its vCPUs) or disjoint.
 */
export function checkResctrl(root: XmlElement): void {
  const cputune = firstChild(root, 'cputune');
  if (!cputune) return;
  const groups: Array<{ vcpus: Set<number>; kinds: Set<string> }> = [];
  for (const tune of childElements(cputune).filter((c) => c.name === 'cachetune' || c.name === 'memorytune')) {
    if (tune.name === 'cachetune') checkCaches(tune);
    else checkMemoryNodes(tune);
    const vcpus = vcpusOf(tune);
    for (const monitor of childElements(tune, 'monitor')) {
      if (![...vcpusOf(monitor)].every((v) => vcpus.has(v))) {
        throw new VirError(ErrorCode.INVALID_ARG, 'Monitor vcpus conflicts with allocation', ErrorDomain.DOMAIN);
      }
    }
    const group = groups.find((g) => same(g.vcpus, vcpus));
    if (group?.kinds.has(tune.name)) {
      if (tune.name === 'cachetune') throw xmlError('Identical vcpus in cachetunes found');
    } else if (!group && groups.some((g) => overlap(g.vcpus, vcpus))) {
      throw xmlError('Overlapping vcpus in resctrls');
    }
    if (group) group.kinds.add(tune.name);
    else groups.push({ vcpus, kinds: new Set([tune.name]) });
  }
}
