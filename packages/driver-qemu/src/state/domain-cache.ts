import { statSync } from 'node:fs';
import type { DriverPaths } from './driver-paths.js';
import { qemuStore, type QemuStore, type StoredDomain } from './qemu-store.js';

/**
 * Which version of a file is on disk: a status or definition is written atomically (a new file
 * renamed over the old, so a new inode), and an edit in place changes its size or times. ext4
 * does not hand a freed inode out again for a while and tmpfs never does, so one file's two
 * versions do not share all four.
 */
interface FileVersion {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

const ABSENT: FileVersion = { ino: -1, size: -1, mtimeMs: -1, ctimeMs: -1 };

function versionOf(path: string): FileVersion {
  return statSync(path, { throwIfNoEntry: false }) ?? ABSENT;
}

const sameVersion = (a: FileVersion, b: FileVersion): boolean =>
  a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

interface Entry {
  readonly config: FileVersion;
  readonly status: FileVersion;
  readonly domain: StoredDomain;
}

/**
 * The root's domains as last read, for the calls that only look (listing, lookups, state): a
 * long-lived process (tsvirtd) asks again and again of domains that rarely change. Each use
 * stats the domain's two files and reads them again only when either is another version, so a
 * change by any process (a direct tsvirsh too) is seen at once. What it hands out is shared:
 * readers never change it; a job loads its own copy under the domain's lock.
 */
export class DomainCache {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly store: QemuStore) {}

  /** One domain whose files can be read (as `loadReadable`); undefined when there is none. */
  async load(name: string): Promise<StoredDomain | undefined> {
    if (!(this.store.opts.isSafeName?.(name) ?? true)) return undefined;
    // The versions are taken before the read: a write in between is seen at the next use.
    const config = versionOf(this.store.configFile(name));
    const status = versionOf(this.store.statusFile(name));
    const e = this.#entries.get(name);
    if (e && sameVersion(e.config, config) && sameVersion(e.status, status)) return e.domain;
    const domain = await this.store.loadReadable(name);
    if (domain) this.#entries.set(name, { config, status, domain });
    else this.#entries.delete(name);
    return domain;
  }

  /** Every domain of the root that can be read, by name. */
  async loadAll(): Promise<StoredDomain[]> {
    const names = await this.store.listNames();
    if (this.#entries.size > names.length) {
      const known = new Set(names);
      for (const n of this.#entries.keys()) if (!known.has(n)) this.#entries.delete(n);
    }
    const out: StoredDomain[] = [];
    for (const n of names) {
      const d = await this.load(n);
      if (d) out.push(d);
    }
    return out;
  }
}

const caches = new WeakMap<DriverPaths, DomainCache>();

/** The cache of one root in this process. */
export function domainCache(paths: DriverPaths): DomainCache {
  let cache = caches.get(paths);
  if (!cache) {
    cache = new DomainCache(qemuStore(paths));
    caches.set(paths, cache);
  }
  return cache;
}
