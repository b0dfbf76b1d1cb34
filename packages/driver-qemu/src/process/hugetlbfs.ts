import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HugepageContext } from '../command/memory-args.js';

/** A hugetlbfs mount and the size of its pages. */
interface HugetlbfsMount {
  readonly dir: string;
  readonly pageKiB: number;
}

const SIZE_UNITS: Record<string, number> = { K: 1, M: 1024, G: 1024 * 1024 };

/** A file of /proc, read at once (fs/promises' readFile is four thread-pool trips, each a wait of its own on a loaded machine); empty when unreadable. */
function procText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The host's default huge page size from /proc/meminfo (2 MiB on x86 when unknown). */
function defaultPageKiB(): number {
  const info = procText('/proc/meminfo');
  return Number(/^Hugepagesize:\s+(\d+) kB/m.exec(info)?.[1] ?? 2048);
}

/** The hugetlbfs mounts of the host, as /proc/mounts lists them. */
function mounts(dflt: number): HugetlbfsMount[] {
  const text = procText('/proc/mounts');
  return text.split('\n').map((l) => l.split(' ')).filter((f) => f[2] === 'hugetlbfs').map((f) => {
    const m = /(?:^|,)pagesize=(\d+)([KMG])/.exec(f[3] ?? '');
    return { dir: (f[1] ?? '').replace(/\\040/g, ' '), pageKiB: m ? Number(m[1]) * SIZE_UNITS[m[2]!]! : dflt };
  });
}

/** The hugetlbfs context of a run `<id>-<name>` (the name cut to 20 characters, as libvirt cuts it). */
export async function hugepageContext(id: number, name: string, memoryDir?: string): Promise<HugepageContext & { dirs: string[] }> {
  const dflt = defaultPageKiB();
  const found = mounts(dflt);
  const runName = `${id}-${name.slice(0, 20)}`;
  return {
    defaultHugepageKiB: dflt,
    runName,
    ...(memoryDir !== undefined ? { memoryDir } : {}),
    hugepageDir: (kib) => found.find((m) => m.pageKiB === kib)?.dir,
    dirs: found.map((m) => join(m.dir, 'libvirt', 'qemu', runName)),
  };
}

/** Makes the run's directory under every hugetlbfs mount (QEMU creates its backing files there). */
export async function makeHugepageDirs(dirs: readonly string[]): Promise<void> {
  for (const d of dirs) await mkdir(d, { recursive: true, mode: 0o700 });
}

/** Removes the run's directories under the hugetlbfs mounts. */
export async function removeHugepageDirs(id: number, name: string): Promise<void> {
  const { dirs } = await hugepageContext(id, name);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}
