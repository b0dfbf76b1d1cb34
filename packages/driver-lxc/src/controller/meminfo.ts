import { closeSync, constants, openSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { getValue } from '../cgroup/cgroup-ops.js';
import type { CgroupTree } from '../cgroup/cgroup-tree.js';

/** The lines of /proc/meminfo the container's own figures replace, and the memory.stat keys behind them. */
const FROM_STAT: Readonly<Record<string, readonly string[]>> = {
  'Cached': ['cache', 'file'],
  'Active': ['active_anon', 'active_file'],
  'Inactive': ['inactive_anon', 'inactive_file'],
  'Active(anon)': ['active_anon'],
  'Inactive(anon)': ['inactive_anon'],
  'Active(file)': ['active_file'],
  'Inactive(file)': ['inactive_file'],
  'Unevictable': ['unevictable'],
};

/** A /proc/meminfo line as the kernel prints it: the label in 16 columns, the KiB in 8. */
const line = (label: string, kib: bigint): string => `${`${label}:`.padEnd(16)}${String(kib).padStart(8)} kB`;

/**
 * /proc/meminfo as the container should see it (libvirt's lxcfuse): the host's, with the total
 * the container's memory limit, free what its cgroup does not use, and the page lists its own,
 * from memory.stat. When the limit is not below the host's memory the host's file is shown.
 */
export async function containerMeminfo(tree: CgroupTree, dirs: readonly string[]): Promise<string> {
  const host = await readFile('/proc/meminfo', 'utf8');
  const v2 = tree.version === 2;
  const [limitText, usageText, statText] = await Promise.all([
    getValue(tree, dirs, 'memory', v2 ? 'memory.max' : 'memory.limit_in_bytes'),
    getValue(tree, dirs, 'memory', v2 ? 'memory.current' : 'memory.usage_in_bytes'),
    getValue(tree, dirs, 'memory', 'memory.stat'),
  ]);
  const hostTotal = BigInt(/^MemTotal:\s+(\d+)/m.exec(host)?.[1] ?? '0');
  const limit = limitText !== undefined && /^\d+$/.test(limitText.trim()) ? BigInt(limitText.trim()) / 1024n : undefined;
  if (limit === undefined || limit >= hostTotal) return host;
  const used = BigInt(/^\d+$/.test(usageText?.trim() ?? '') ? usageText!.trim() : '0') / 1024n;
  const free = limit > used ? limit - used : 0n;
  const stat = new Map((statText ?? '').split('\n').map((l) => l.split(' ')).filter((f) => f.length === 2).map(([k, n]) => [k!, BigInt(n!)]));
  const own: Record<string, bigint> = { MemTotal: limit, MemFree: free, MemAvailable: free, Buffers: 0n };
  for (const [label, keys] of Object.entries(FROM_STAT)) {
    const key = keys.find((k) => stat.has(k));
    if (key !== undefined) own[label] = stat.get(key)! / 1024n;
  }
  return host.split('\n').map((l) => {
    const label = /^([^:]+):/.exec(l)?.[1];
    return label !== undefined && Object.hasOwn(own, label) ? line(label, own[label]!) : l;
  }).join('\n');
}

/**
 * Serves `fifo` as the container's /proc/meminfo: each reader that opens it is written the
 * figures of that moment, then sees its end. A FIFO stands in for libvirt's FUSE file, which
 * Node cannot serve without a native module. Answers a stop: the open waiting for the next
 * reader holds a thread of the pool, and Node's exit waits for every thread of the pool, so the
 * stop opens the FIFO for reading once to let that open return.
 */
export function serveMeminfo(fifo: string, tree: CgroupTree, dirs: readonly string[]): () => void {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      // Opening for writing waits (on a thread of the pool) until a reader opens it.
      const fh = await open(fifo, 'w');
      try {
        if (!stopped) await fh.write(await containerMeminfo(tree, dirs));
      } catch {
        // The reader went away mid-way: the next one gets a whole file.
      } finally {
        await fh.close();
      }
    }
  })().catch(() => undefined);
  return () => {
    stopped = true;
    try {
      closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
    } catch {
      // Gone already: nothing waits on it.
    }
  };
}
