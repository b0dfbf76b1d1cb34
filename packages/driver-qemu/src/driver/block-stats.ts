import { open, stat } from 'node:fs/promises';
import { typedString, typedUInt, typedULLong, type TypedParameter } from '@tsvirt/api';
import { disksOf, type QemuDisk } from '../devices/qemu-disk.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { currentDef, type StoredDomain } from '../state/qemu-store.js';

interface BlockStatsEntry { 'node-name'?: string; qdev?: string; stats: Record<string, number> }
interface NamedNode { 'node-name': string; drv: string; file: string; image: { 'virtual-size': number; 'actual-size'?: number } }

/** What QEMU says of the running domain's disks and nodes, asked once for all of them. */
interface Live {
  readonly devices: readonly BlockStatsEntry[];
  readonly nodes: readonly BlockStatsEntry[];
  readonly named: readonly NamedNode[];
}

/** One image of a disk's chain: the top (with QEMU's counters when running) or a backing layer. */
interface Image {
  readonly disk: QemuDisk;
  readonly path: string | undefined;
  readonly index: number | undefined;
  readonly top: boolean;
}

/** QEMU's protocol drivers of a local image (the storage node under a format node). */
const STORAGE_DRIVERS = ['file', 'host_device'];

const ull = (v: number | undefined): bigint => BigInt(Math.max(0, Math.trunc(v ?? 0)));

/** The images of every disk in libvirt's order: each top, followed by its backing layers with `--backing`. */
function imagesOf(disks: readonly QemuDisk[], s: ActiveStatus | undefined, backing: boolean): Image[] {
  return disks.flatMap((disk) => {
    const index = disk.disk.source?.index ?? (s && disk.alias !== undefined ? s.diskNodes[disk.alias] : undefined);
    // An empty drive has no image, so no index.
    const top: Image = { disk, path: disk.path, index: s && disk.path !== undefined ? index : undefined, top: true };
    const layers = backing && s ? (disk.disk.backingStore ?? []).map((l) => ({ disk, path: l.path, index: l.index, top: false })) : [];
    return [top, ...layers];
  });
}

/** A qcow2 header's virtual size, or undefined for another format. */
async function qcow2Size(path: string): Promise<bigint | undefined> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(32);
    const { bytesRead } = await fh.read(head, 0, 32, 0);
    return bytesRead === 32 && head.readUInt32BE(0) === 0x514649fb ? head.readBigUInt64BE(24) : undefined;
  } finally {
    await fh.close();
  }
}

/** A stopped domain's image as libvirt reads it from the file: allocated bytes, capacity, file size. */
async function fileSizes(i: number, path: string, format: string): Promise<TypedParameter[]> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return [];
  const allocation = BigInt(st.blocks) * 512n;
  const capacity = format === 'qcow2' ? await qcow2Size(path).catch(() => undefined) : BigInt(st.size);
  return [
    ...(allocation > 0n ? [typedULLong(`block.${i}.allocation`, allocation)] : []),
    ...(capacity !== undefined ? [typedULLong(`block.${i}.capacity`, capacity)] : []),
    typedULLong(`block.${i}.physical`, BigInt(st.size)),
  ];
}

/** QEMU's request counters of a top image, found by its device. */
function counters(i: number, st: Record<string, number>): TypedParameter[] {
  const pairs: Array<[string, string]> = [
    ['rd.reqs', 'rd_operations'], ['rd.bytes', 'rd_bytes'], ['rd.times', 'rd_total_time_ns'],
    ['wr.reqs', 'wr_operations'], ['wr.bytes', 'wr_bytes'], ['wr.times', 'wr_total_time_ns'],
    ['fl.reqs', 'flush_operations'], ['fl.times', 'flush_total_time_ns'],
  ];
  return pairs.map(([name, field]) => typedULLong(`block.${i}.${name}`, ull(st[field])));
}

/**
 * A running image's allocation (its storage node's highest written offset), capacity (the format
 * node's virtual size) and physical size (the storage node's allocated bytes, else the file's size,
 * as libvirt falls back to).
 */
async function liveSizes(i: number, img: Image, live: Live): Promise<TypedParameter[]> {
  if (img.path === undefined || img.index === undefined) return [];
  // By libvirt's node names; a backing image QEMU opened itself has a name of QEMU's, found by its file.
  const named = (name: string): NamedNode | undefined => live.named.find((n) => n['node-name'] === name);
  const ofFile = (isStorage: boolean): NamedNode | undefined =>
    live.named.find((n) => n.file === img.path && STORAGE_DRIVERS.includes(n.drv) === isStorage);
  const storage = named(`libvirt-${img.index}-storage`) ?? ofFile(true);
  const format = named(`libvirt-${img.index}-format`) ?? ofFile(false);
  const written = storage && live.nodes.find((e) => e['node-name'] === storage['node-name'])?.stats['wr_highest_offset'];
  const capacity = (format ?? storage)?.image['virtual-size'];
  const actual = storage?.image['actual-size'];
  const physical = actual ? BigInt(actual) : await stat(img.path).then((x) => BigInt(x.size), () => undefined);
  return [
    typedULLong(`block.${i}.allocation`, ull(written)),
    ...(capacity !== undefined ? [typedULLong(`block.${i}.capacity`, ull(capacity))] : []),
    ...(physical !== undefined ? [typedULLong(`block.${i}.physical`, physical)] : []),
  ];
}

async function askQemu(mon: QmpClient): Promise<Live> {
  return {
    devices: await mon.execute<BlockStatsEntry[]>('query-blockstats'),
    nodes: await mon.execute<BlockStatsEntry[]>('query-blockstats', { 'query-nodes': true }),
    named: await mon.execute<NamedNode[]>('query-named-block-nodes', { flat: true }),
  };
}

/**
 * block.*: each image's name, path and index, then, running, QEMU's counters of a top image and the
 * sizes; stopped, the sizes read from the files. `backing` lists each backing layer as libvirt's
 * VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING does.
 */
export async function blockStats(d: StoredDomain, mon: QmpClient | undefined, s: ActiveStatus | undefined, backing: boolean): Promise<TypedParameter[]> {
  const images = imagesOf(disksOf(currentDef(d).devices), s, backing);
  const live = mon && s ? await askQemu(mon) : undefined;
  const out: TypedParameter[] = [typedUInt('block.count', images.length)];
  for (const [i, img] of images.entries()) {
    out.push(typedString(`block.${i}.name`, img.disk.target));
    if (img.path !== undefined) out.push(typedString(`block.${i}.path`, img.path));
    if (img.index !== undefined) out.push(typedUInt(`block.${i}.backingIndex`, img.index));
    if (!live) {
      if (img.path !== undefined && img.disk.type === 'file') out.push(...(await fileSizes(i, img.path, img.disk.format)));
      continue;
    }
    const alias = img.disk.alias;
    const st = img.top && alias !== undefined ? live.devices.find((e) => e.qdev === alias || e.qdev?.includes(`/${alias}/`))?.stats : undefined;
    if (st) out.push(...counters(i, st));
    out.push(...(await liveSizes(i, img, live)));
  }
  return out;
}
