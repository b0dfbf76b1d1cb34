import { DOMAIN_PART_MODELS, parseDevice, type DomainDef, type DomainDevice, type DomainPart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { checkImageDriver } from './loop-driver.js';
import { hostdevSpecs, type HostdevSpec } from './hostdevs.js';

type Fs = Extract<DomainDevice, { kind: 'filesystem' }>;
type Nic = Extract<DomainDevice, { kind: 'interface' }>;

/** One mount the container gets besides its root, in the container's terms. */
export type ContainerMount =
  | { readonly kind: 'bind'; readonly source: string; readonly target: string; readonly readonly: boolean }
  | { readonly kind: 'tmpfs'; readonly target: string; readonly kib: number }
  /** A block device (`type='block'`), or an image file (`type='file'`) on a loop device or served through nbd in `format`. */
  | { readonly kind: 'block'; readonly source: string; readonly target: string; readonly readonly: boolean; readonly via: BlockVia; readonly format?: string | undefined };

/** How a block filesystem reaches the kernel: a block device as it is, or an image on a loop or nbd device. */
export type BlockVia = 'dev' | 'loop' | 'nbd';

/** The root: a host directory, or a block device or image (`block`) mounted by the helper. */
export interface ContainerRoot {
  readonly source: string;
  readonly readonly: boolean;
  readonly block?: BlockVia | undefined;
  /** The image's format, for nbd. */
  readonly format?: string | undefined;
}

/** One id range of `<idmap>`: ids from `start` inside are `target` on the host, `count` of them. */
export interface IdRange {
  readonly start: number;
  readonly target: number;
  readonly count: number;
}

/** What a container is made of, read once from its typed definition. */
export interface ContainerSpec {
  readonly name: string;
  readonly uuid: string;
  readonly description: string | undefined;
  /** The host directory that becomes `/` (the host's own `/` when no filesystem targets it). */
  readonly root: ContainerRoot;
  /** Further mounts, parents before children. */
  readonly mounts: readonly ContainerMount[];
  readonly init: readonly string[];
  readonly initEnv: ReadonlyArray<readonly [string, string]>;
  readonly initDir: string | undefined;
  readonly initUser: string | undefined;
  readonly initGroup: string | undefined;
  readonly idmap: { readonly uids: readonly IdRange[]; readonly gids: readonly IdRange[] } | undefined;
  readonly nics: readonly Nic[];
  /** `<hostdev>`s: device nodes to make in the container's /dev, host interfaces to move in. */
  readonly hostdevs: readonly HostdevSpec[];
  /** The cgroup partition (`<resource><partition>`), `/machine` by default. */
  readonly partition: string;
  readonly memoryKiB: number;
  readonly memtune: DomainPart<'memtune'> | undefined;
  readonly cputune: DomainPart<'cputune'> | undefined;
  readonly blkiotune: DomainPart<'blkiotune'> | undefined;
}

const D = ErrorDomain.LXC;

function unsupported(msg: string): VirError {
  return new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, D);
}

function part<K extends keyof typeof DOMAIN_PART_MODELS>(def: DomainDef, kind: K): DomainPart<K> | undefined {
  const el = def.source?.[kind] ?? def.other.find((o) => o.name === kind);
  return el && (DOMAIN_PART_MODELS[kind].parse(el) as DomainPart<K>);
}

function ranges(list: ReadonlyArray<{ start?: number; target?: number; count?: number }> | undefined): IdRange[] {
  return (list ?? []).map((r) => ({ start: r.start ?? 0, target: r.target ?? 0, count: r.count ?? 0 })).sort((a, b) => a.start - b.start);
}

/** Checks `<idmap>` as libvirt does when a definition is validated. */
export function checkIdmap(def: DomainDef): void {
  const idmap = part(def, 'idmap');
  if (!idmap) return;
  const uids = ranges(idmap.uids);
  const gids = ranges(idmap.gids);
  if ((uids.length === 0) !== (gids.length === 0)) throw unsupported('uid and gid should be mapped both');
  if (uids[0]?.start !== 0 || gids[0]?.start !== 0) throw unsupported('You must map the root user of container');
}

function mountOf(fs: Fs, root: string): ContainerMount {
  const target = fs.target ?? '';
  switch (fs.type ?? 'mount') {
    case 'mount':
      return { kind: 'bind', source: fs.source?.dir ?? '', target, readonly: fs.readonly === true };
    case 'bind':
      // A bind filesystem names a directory inside the container.
      return { kind: 'bind', source: `${root.replace(/\/$/, '')}${fs.source?.dir ?? ''}`, target, readonly: fs.readonly === true };
    case 'ram':
      return { kind: 'tmpfs', target, kib: fs.source?.usage ?? 0 };
    case 'block':
    case 'file':
      return { kind: 'block', source: blockSource(fs), target, readonly: fs.readonly === true, ...blockVia(fs) };
    default:
      throw unsupported(`Cannot mount filesystem type ${fs.type}`);
  }
}

/** The source of a `block` or `file` filesystem. */
function blockSource(fs: Fs): string {
  return (fs.type === 'file' ? fs.source?.file : fs.source?.dev) ?? '';
}

/** How a `block` or `file` filesystem is mounted, its driver and format checked as libvirt_lxc checks them. */
function blockVia(fs: Fs): { via: BlockVia; format?: string } {
  if (fs.type !== 'file') return { via: 'dev' };
  const driver = checkImageDriver(fs);
  return driver.kind === 'nbd' ? { via: 'nbd', format: driver.format } : { via: 'loop' };
}

function rootOf(fs: Fs | undefined): ContainerRoot {
  const type = fs?.type ?? 'mount';
  if (type === 'mount') return { source: fs?.source?.dir ?? '/', readonly: fs?.readonly === true };
  if (type !== 'block' && type !== 'file') throw unsupported(`Unsupported root filesystem type ${type}`);
  const { via, format } = blockVia(fs!);
  return { source: blockSource(fs!), readonly: fs?.readonly === true, block: via, format };
}

/** Reads what a container is made of; refuses what this driver cannot build, in libvirt's words. */
export function containerSpec(def: DomainDef): ContainerSpec {
  const devices = def.devices.map(parseDevice).filter((d): d is DomainDevice => d !== undefined);
  const consoles = devices.filter((d) => d.kind === 'console');
  if (consoles.length === 0) throw unsupported('At least one PTY console is required');
  if (consoles.some((c) => (c.type ?? 'pty') !== 'pty')) throw unsupported('Only PTY console types are supported');
  const filesystems = devices.filter((d): d is Fs => d.kind === 'filesystem');
  const rootFs = filesystems.find((f) => f.target === '/');
  const root = rootOf(rootFs);
  const mounts = filesystems.filter((f) => f !== rootFs).map((f) => mountOf(f, root.source))
    .sort((a, b) => a.target.split('/').length - b.target.split('/').length);
  const os = part(def, 'os');
  const idmap = part(def, 'idmap');
  return {
    name: def.name,
    uuid: def.uuid,
    description: def.description,
    root,
    mounts,
    init: [os?.init ?? '/sbin/init', ...(os?.initargs ?? []).map((a) => a.value ?? '')],
    initEnv: (os?.initenvs ?? []).map((e) => [e.name ?? '', e.value ?? ''] as const),
    initDir: os?.initdir,
    initUser: os?.inituser,
    initGroup: os?.initgroup,
    idmap: idmap ? { uids: ranges(idmap.uids), gids: ranges(idmap.gids) } : undefined,
    nics: devices.filter((d): d is Nic => d.kind === 'interface'),
    hostdevs: hostdevSpecs(devices),
    partition: part(def, 'resource')?.partition ?? '/machine',
    memoryKiB: def.memoryKiB,
    memtune: part(def, 'memtune'),
    cputune: part(def, 'cputune'),
    blkiotune: part(def, 'blkiotune'),
  };
}
