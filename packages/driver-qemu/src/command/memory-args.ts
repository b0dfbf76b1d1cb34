import { domainPart, formatCpuSet, parseCpuSet, toKiB, type DomainDef, type DomainPart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** Where hugetlbfs of each page size is mounted, and what a domain's files there are called. */
export interface HugepageContext {
  /** The mount point of hugetlbfs with pages of `sizeKiB`; undefined when there is none. */
  readonly hugepageDir: (sizeKiB: number) => string | undefined;
  /** The host's default huge page size, for `<hugepages/>` without a `<page>`. */
  readonly defaultHugepageKiB: number;
  /** `<id>-<name>` of the run, the per-domain directory libvirt makes under each mount. */
  readonly runName: string;
}

type MemoryBacking = DomainPart<'memoryBacking'>;
type Cell = NonNullable<NonNullable<DomainPart<'cpu'>['numa']>['cells']>[number];

const MiB = 1024 * 1024;

/** The huge page size (KiB) backing NUMA node `node` (undefined: the whole guest), or undefined without huge pages. */
function pageSizeFor(mb: MemoryBacking | undefined, node: number | undefined, dflt: number): number | undefined {
  const hp = mb?.hugepages?.[0];
  if (!hp) return undefined;
  const pages = hp.pages ?? [];
  const covers = (nodeset: string | undefined): boolean => nodeset === undefined || node === undefined || parseCpuSet(nodeset)[node] === true;
  const page = pages.find((p) => p.nodeset !== undefined && covers(p.nodeset)) ?? pages.find((p) => p.nodeset === undefined);
  if (!page) return pages.length === 0 ? dflt : undefined;
  return toKiB(page.size ?? dflt, page.unit ?? 'KiB');
}

type Numatune = DomainPart<'numatune'>;

/** QEMU's memory policies for libvirt's NUMA modes (`restrictive` leaves the placement to cgroups). */
const POLICIES: Record<string, string> = { strict: 'bind', preferred: 'preferred', interleave: 'interleave' };

/**
 * Where the memory of guest node `cell` (undefined: all of it) comes from: the `<memnode>` of the
 * cell, else `<numatune><memory>`; as QEMU's host nodes and policy.
 */
function hostNodes(numatune: Numatune | undefined, cell: number | undefined): Record<string, unknown> {
  const memnode = cell === undefined ? undefined : numatune?.memnodes?.find((m) => m.cellid === cell);
  const mode = memnode ? memnode.mode : numatune?.memory;
  const nodeset = memnode ? memnode.nodeset : numatune?.placement === 'auto' ? undefined : numatune?.nodeset;
  const policy = POLICIES[mode ?? 'strict'];
  if (nodeset === undefined || policy === undefined) return {};
  const nodes = parseCpuSet(nodeset).flatMap((on, n) => (on ? [n] : []));
  return { 'host-nodes': nodes, policy };
}

/** One memory backend object, in libvirt's order of properties. */
function backend(id: string, bytes: number, pageKiB: number | undefined, share: boolean | undefined, ctx: HugepageContext, canonicalId: boolean, nodes: Record<string, unknown>): Record<string, unknown> {
  const shareProp = share === undefined ? {} : { share };
  if (pageKiB === undefined) return { 'qom-type': 'memory-backend-ram', id, ...shareProp, size: bytes, ...nodes };
  const dir = ctx.hugepageDir(pageKiB);
  if (dir === undefined) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `Unable to find any usable hugetlbfs mount for ${pageKiB} KiB`, ErrorDomain.QEMU);
  }
  return {
    'qom-type': 'memory-backend-file', id, 'mem-path': `${dir}/libvirt/qemu/${ctx.runName}`,
    ...(canonicalId ? { 'x-use-canonical-path-for-ramblock-id': false } : {}), ...shareProp, prealloc: true, size: bytes, ...nodes,
  };
}

const accessShare = (mode: 'shared' | 'private' | undefined): boolean | undefined => (mode === undefined ? undefined : mode === 'shared');

/** `-numa node,...` of a cell: its CPUs as ranges, each range a `cpus=` of its own. */
function numaNode(cell: Cell, index: number): string {
  const cpus = cell.cpus === undefined ? [] : formatCpuSet(parseCpuSet(cell.cpus)).split(',').map((r) => `cpus=${r}`);
  return ['node', `nodeid=${cell.id ?? index}`, ...cpus, `memdev=ram-node${cell.id ?? index}`].join(',');
}

/** Huge pages may be asked only for the guest's NUMA nodes (one node when it declares none). */
function checkHugepageNodes(mb: MemoryBacking | undefined, nodes: number): void {
  for (const page of mb?.hugepages?.[0]?.pages ?? []) {
    const missing = page.nodeset === undefined ? -1 : parseCpuSet(page.nodeset).findIndex((on, n) => on && n >= nodes);
    if (missing >= 0) throw new VirError(ErrorCode.XML_DETAIL, `hugepages: node ${missing} not found`, ErrorDomain.QEMU);
  }
}

/**
 * The guest memory as libvirt 9 gives it to QEMU: `-m` in whole MiB, and a memory backend for the
 * machine (`pc.ram`) or, with NUMA cells, one backend and one `-numa node` per cell; huge pages
 * become file backends on hugetlbfs. `memory` goes where `-m` goes, `numa` after `-smp`;
 * `machineBackend` says whether `-machine` names the `pc.ram` backend.
 */
export function memoryArgs(def: DomainDef, ctx: HugepageContext): { memory: string[]; numa: string[]; machineBackend: boolean } {
  const mb = domainPart(def, 'memoryBacking');
  const numatune = domainPart(def, 'numatune');
  const cells = domainPart(def, 'cpu')?.numa?.cells ?? [];
  checkHugepageNodes(mb, Math.max(cells.length, 1));
  const share = accessShare(mb?.access);
  if (cells.length === 0) {
    const memMiB = Math.ceil(def.memoryKiB / 1024);
    const page = pageSizeFor(mb, undefined, ctx.defaultHugepageKiB);
    return {
      machineBackend: true,
      memory: ['-m', String(memMiB), '-object', JSON.stringify(backend('pc.ram', memMiB * MiB, page, share, ctx, true, hostNodes(numatune, undefined)))],
      numa: [],
    };
  }
  const numa: string[] = [];
  let memMiB = 0;
  cells.forEach((cell, i) => {
    const id = cell.id ?? i;
    // Each node's memory is aligned up to whole MiB, and the guest's is their sum.
    const cellMiB = Math.ceil(toKiB(cell.memory ?? 0, cell.unit ?? 'KiB') / 1024);
    memMiB += cellMiB;
    const page = pageSizeFor(mb, id, ctx.defaultHugepageKiB);
    const object = backend(`ram-node${id}`, cellMiB * MiB, page, accessShare(cell.memAccess) ?? share, ctx, false, hostNodes(numatune, id));
    numa.push('-object', JSON.stringify(object), '-numa', numaNode(cell, i));
  });
  return { memory: ['-m', String(memMiB)], numa, machineBackend: false };
}
