import { domainPart, formatCpuSet, parseCpuSet, toKiB, type DeviceOf, type DomainDef, type DomainPart } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { checkHostNumaNodes } from '../process/host-numa.js';

/** Where hugetlbfs of each page size is mounted, and what a domain's files there are called. */
export interface HugepageContext {
  /** The mount point of hugetlbfs with pages of `sizeKiB`; undefined when there is none. */
  readonly hugepageDir: (sizeKiB: number) => string | undefined;
  /** The host's default huge page size, for `<hugepages/>` without a `<page>`. */
  readonly defaultHugepageKiB: number;
  /** `<id>-<name>` of the run, the per-domain directory libvirt makes under each mount. */
  readonly runName: string;
  /**
   * Where this run's file-backed memory without huge pages goes (libvirt's memory_backing_dir
   * for the domain): memory whose sharing is set explicitly, or whose freed pages are discarded.
   */
  readonly memoryDir?: string;
  /** Refuses host NUMA nodes the host lacks (default: the host's sysfs; libvirt's test harness mocks its own). */
  readonly checkHostNodes?: (nodes: readonly number[]) => void;
}

type MemoryBacking = DomainPart<'memoryBacking'>;
type Cell = NonNullable<NonNullable<DomainPart<'cpu'>['numa']>['cells']>[number];

const MiB = 1024 * 1024;

/** The huge page size (KiB) backing NUMA node `node` (undefined: the whole guest), or undefined without huge pages. */
export function pageSizeFor(mb: MemoryBacking | undefined, node: number | undefined, dflt: number): number | undefined {
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
export function hostNodes(numatune: Numatune | undefined, cell: number | undefined, ctx: HugepageContext): Record<string, unknown> {
  const memnode = cell === undefined ? undefined : numatune?.memnodes?.find((m) => m.cellid === cell);
  const mode = memnode ? memnode.mode : numatune?.memory;
  const nodeset = memnode ? memnode.nodeset : numatune?.placement === 'auto' ? undefined : numatune?.nodeset;
  return nodeset === undefined ? {} : nodePolicy(nodeset, POLICIES[mode ?? 'strict'], ctx);
}

/**
 * QEMU's `host-nodes` and `policy` for a backend on host nodes `nodeset`: the nodes must exist
 * whatever the mode, and `restrictive` (no policy) leaves them to cgroups, off QEMU's line.
 */
export function nodePolicy(nodeset: string, policy: string | undefined, ctx: HugepageContext): Record<string, unknown> {
  const nodes = parseCpuSet(nodeset).flatMap((on, n) => (on ? [n] : []));
  (ctx.checkHostNodes ?? checkHostNumaNodes)(nodes);
  return policy === undefined ? {} : { 'host-nodes': nodes, policy };
}

/** How a memory backend is made: from huge pages or a file, shared or not, on which host nodes, preallocated or not. */
export interface BackendSpec {
  readonly pageKiB: number | undefined;
  readonly ctx: HugepageContext;
  readonly share: boolean | undefined;
  /** QEMU's `host-nodes` and `policy`, or nothing. */
  readonly nodes: Record<string, unknown>;
  /** A file of its own (an NVDIMM's, a virtio-pmem's); else huge pages, else anonymous memory. */
  readonly path?: string;
  readonly canonicalId?: boolean;
  readonly discard?: boolean;
  readonly reserve?: boolean;
  /** Whether to preallocate; by default only huge pages are. */
  readonly prealloc?: boolean;
  readonly align?: number;
  readonly pmem?: boolean;
  /** `<source type='memfd'/>`: anonymous memory QEMU can share by descriptor (huge pages through hugetlb). */
  readonly memfd?: boolean;
  /** `<allocation threads>`: how many threads preallocate. */
  readonly threads?: number | undefined;
  /** The file in the run's memory directory that backs this memory when it is file-backed without huge pages. */
  readonly memoryFile?: string;
}

/**
 * The `-object`s of one memory backend, its properties in libvirt's order. A backend preallocated
 * on given host nodes gets a thread context there, so the preallocating threads run near it.
 */
export function memoryBackend(id: string, bytes: number, spec: BackendSpec): string[] {
  const { pageKiB, ctx } = spec;
  let file: Record<string, unknown> = {};
  if (spec.path !== undefined) file = { 'mem-path': spec.path };
  else if (spec.memfd) return memfdBackend(id, bytes, spec);
  else if (pageKiB === undefined && (spec.share !== undefined || spec.discard === true)) file = { 'mem-path': memoryFilePath(ctx, spec.memoryFile ?? id), ...(spec.canonicalId ? { 'x-use-canonical-path-for-ramblock-id': false } : {}) };
  else if (pageKiB !== undefined) {
    const dir = ctx.hugepageDir(pageKiB);
    if (dir === undefined) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `Unable to find any usable hugetlbfs mount for ${pageKiB} KiB`, ErrorDomain.QEMU);
    }
    file = { 'mem-path': `${dir}/libvirt/qemu/${ctx.runName}`, ...(spec.canonicalId ? { 'x-use-canonical-path-for-ramblock-id': false } : {}) };
  }
  const isFile = 'mem-path' in file;
  const prealloc = spec.prealloc ?? pageKiB !== undefined;
  const context = prealloc && 'host-nodes' in spec.nodes ? `tc-${id}` : undefined;
  const opt = (name: string, v: unknown): Record<string, unknown> => (v === undefined ? {} : { [name]: v });
  const backend = {
    'qom-type': isFile ? 'memory-backend-file' : 'memory-backend-ram', id, ...file,
    ...opt('discard-data', isFile ? spec.discard : undefined), ...opt('share', spec.share), ...opt('reserve', spec.reserve),
    ...(prealloc ? { prealloc: true } : {}), ...opt('prealloc-threads', prealloc ? spec.threads : undefined), size: bytes, ...opt('align', spec.align), ...opt('pmem', spec.pmem), ...spec.nodes,
    ...opt('prealloc-context', context),
  };
  const threads = context === undefined ? [] : ['-object', JSON.stringify({ 'qom-type': 'thread-context', id: context, 'node-affinity': spec.nodes['host-nodes'] })];
  return [...threads, '-object', JSON.stringify(backend)];
}

/** The file backing memory `name` of the run in its memory directory. */
function memoryFilePath(ctx: HugepageContext, name: string): string {
  if (ctx.memoryDir === undefined) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `file-backed memory '${name}' needs a memory directory`, ErrorDomain.QEMU);
  return `${ctx.memoryDir}/${name}`;
}

/** A memfd backend, its properties in libvirt's order. */
function memfdBackend(id: string, bytes: number, spec: BackendSpec): string[] {
  const prealloc = spec.prealloc ?? spec.pageKiB !== undefined;
  const context = prealloc && 'host-nodes' in spec.nodes ? `tc-${id}` : undefined;
  const backend = {
    'qom-type': 'memory-backend-memfd', id, ...(spec.pageKiB !== undefined ? { hugetlb: true, hugetlbsize: spec.pageKiB * 1024 } : {}),
    ...(spec.share !== undefined ? { share: spec.share } : {}), ...(spec.canonicalId ? { 'x-use-canonical-path-for-ramblock-id': false } : {}),
    ...(prealloc ? { prealloc: true } : {}), ...(prealloc && spec.threads !== undefined ? { 'prealloc-threads': spec.threads } : {}),
    size: bytes, ...spec.nodes, ...(context ? { 'prealloc-context': context } : {}),
  };
  const threads = context === undefined ? [] : ['-object', JSON.stringify({ 'qom-type': 'thread-context', id: context, 'node-affinity': spec.nodes['host-nodes'] })];
  return [...threads, '-object', JSON.stringify(backend)];
}

export const accessShare = (mode: 'shared' | 'private' | undefined): boolean | undefined => (mode === undefined ? undefined : mode === 'shared');

/** `-numa node,...` of a cell: its CPUs as ranges, each range a `cpus=` of its own. */
function numaNode(cell: Cell, index: number): string {
  const cpus = cell.cpus === undefined ? [] : formatCpuSet(parseCpuSet(cell.cpus)).split(',').map((r) => `cpus=${r}`);
  return ['node', `nodeid=${cell.id ?? index}`, ...cpus, `memdev=ram-node${cell.id ?? index}`].join(',');
}

/** The size alignment of DIMM-like memory modules on x86 (KiB): 2 MiB, not the 1 MiB used elsewhere. */
const MODULE_ALIGN_KIB = 2048;

/** A memory module's size in KiB, DIMMs and NVDIMMs aligned as QEMU needs them. */
export function moduleKiB(m: DeviceOf<'memory'>): number {
  const size = m.target?.size === undefined ? 0 : toKiB(m.target.size, m.target.sizeUnit ?? 'KiB');
  return m.model === 'dimm' || m.model === 'nvdimm' ? Math.ceil(size / MODULE_ALIGN_KIB) * MODULE_ALIGN_KIB : size;
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
  const max = domainPart(def, 'maxMemory');
  // With memory hotplug, -m names the initial memory, the module slots and the most the guest can grow to.
  const maxKiB = max?.size === undefined ? undefined : Math.ceil(toKiB(Number(max.size), max.unit ?? 'KiB') / MODULE_ALIGN_KIB) * MODULE_ALIGN_KIB;
  const mSize = (mib: number): string[] => ['-m', maxKiB === undefined ? String(mib) : `size=${mib * 1024}k,slots=${max?.slots ?? 0},maxmem=${maxKiB}k`];
  checkHugepageNodes(mb, Math.max(cells.length, 1));
  const share = accessShare(mb?.access);
  // memfd backs only memory without a file of its own; the preallocating threads are every backend's.
  const memfd = { memfd: mb?.source === 'memfd', threads: mb?.allocation?.threads };
  if (cells.length === 0) {
    const modules = devicesOf(def.devices, 'memory').reduce((sum, m) => sum + moduleKiB(m), 0);
    const memMiB = Math.ceil((def.memoryKiB - modules) / 1024);
    const page = pageSizeFor(mb, undefined, ctx.defaultHugepageKiB);
    return {
      machineBackend: true,
      memory: [...mSize(memMiB), ...memoryBackend('pc.ram', memMiB * MiB, { pageKiB: page, share, ctx, canonicalId: true, nodes: hostNodes(numatune, undefined, ctx), ...memfd })],
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
    numa.push(...memoryBackend(`ram-node${id}`, cellMiB * MiB, { pageKiB: page, share: accessShare(cell.memAccess) ?? share, ctx, nodes: hostNodes(numatune, id, ctx), discard: cell.discard, ...memfd }), '-numa', numaNode(cell, i));
  });
  return { memory: mSize(memMiB), numa, machineBackend: false };
}
