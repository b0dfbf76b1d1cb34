import { lstatSync } from 'node:fs';
import type { DriverPaths } from './driver-paths.js';
import { ABSENT, sameVersion, versionOf, type FileVersion } from './file-version.js';
import { DirWatch } from './dir-watch.js';
import { qemuStore, type QemuStore, type StoredDomain } from './qemu-store.js';

/**
 * A file's times come from the kernel's coarse clock (a tick of up to 10 ms): a directory changed
 * within a tick of a look may keep the times that look saw. Only a directory whose last change is
 * older than this vouches for its files (git's "racily clean" rule).
 */
const RACY_MS = 50;

/** A directory's watch and the inode it was made on. */
interface Watched {
  readonly ino: number;
  readonly watch: DirWatch;
}

interface Entry {
  readonly configFile: string;
  readonly statusFile: string;
  readonly config: FileVersion;
  readonly status: FileVersion;
  /** A definition or status reached through a symlink is written where the link points: only its own stat tells. */
  readonly linked: boolean;
  readonly domain: StoredDomain;
  /** The directories' generation in which the files were last found to be these versions. */
  generation: number;
}

/**
 * The root's domains as last read, for the calls that only look (listing, lookups, state): a
 * long-lived process (tsvirtd) asks again and again of domains that rarely change. A domain's
 * files are read again only when either is another version, so a change by any process (a
 * direct tsvirsh too) is seen at once. While the definition and state directories are the
 * versions a look found settled, no file in them was replaced, created or removed since, so the
 * names and the files checked since need no stat each; otherwise each file is stat'ed. What the
 * cache hands out is shared: readers never change it; a job loads its own copy under its lock.
 */
export class DomainCache {
  readonly #entries = new Map<string, Entry>();
  /** Bumped whenever the directories are not the versions last seen settled. */
  #generation = 0;
  #dirs: readonly [FileVersion, FileVersion] = [ABSENT, ABSENT];
  #settled = false;
  #names: { readonly generation: number; readonly names: readonly string[] } | undefined;
  /**
   * Each directory's watch, once `watchDirs` asked for them (a slot empty until the directory is
   * found, or while a new watch is due); undefined while the directories are looked at instead.
   */
  #watches: Array<Watched | undefined> | undefined;
  /** The store's count of this process's own changes at the last look (a watch tells of them only at the loop's next turn). */
  #seenLocal = -1;

  constructor(private readonly store: QemuStore) {}

  /**
   * Trusts an inotify watch of the two directories instead of two `stat`s per read, for a process
   * whose readers' requests arrive through its event loop (tsvirtd's clients): see DirWatch for
   * why that order makes a quiet watch as good as a look. Other processes keep looking.
   */
  watchDirs(): void {
    this.#watches ??= [undefined, undefined];
  }

  /** Looks at the two directories, unless a settled look's watches have heard nothing since; a change since the last settled look starts a new generation. */
  #lookAtDirs(): void {
    const local = this.store.localChanges;
    if (!this.#heard() && this.#settled && local === this.#seenLocal) return;
    this.#seenLocal = local;
    const dirs = [this.#look(0, this.store.opts.configDir), this.#look(1, this.store.opts.stateDir)] as const;
    if (this.#settled && sameVersion(dirs[0], this.#dirs[0]) && sameVersion(dirs[1], this.#dirs[1])) return;
    this.#generation++;
    this.#dirs = dirs;
    const changed = Math.max(...dirs.map((d) => Math.max(d.mtimeMs, d.ctimeMs)));
    this.#settled = dirs.every((d) => d !== ABSENT) && changed < Date.now() - RACY_MS;
  }

  /** Whether a watch heard a change since the last look (each one asked, so that each resets); always while not watching or a watch is missing. */
  #heard(): boolean {
    if (!this.#watches) return true;
    return this.#watches.map((w) => w?.watch.take() ?? true).includes(true);
  }

  /**
   * A directory's version, and its watch kept on the inode found: the watch of a directory
   * replaced since (another inode), gone or broken is made anew, and the directory looked at
   * again after it, so that nothing changed after the look goes unheard. One that cannot be made
   * ends the watching.
   */
  #look(i: 0 | 1, dir: string): FileVersion {
    const version = versionOf(dir);
    const watches = this.#watches;
    const held = watches?.[i];
    if (!watches || (held?.ino === version.ino && !held.watch.broken)) return version;
    held?.watch.close();
    watches[i] = undefined;
    if (version === ABSENT) return version;
    const watch = new DirWatch(dir);
    if (watch.broken) {
      for (const w of watches) w?.watch.close();
      this.#watches = undefined;
      return version;
    }
    const again = versionOf(dir);
    // replaced once more meanwhile: which inode is watched is unknown, so the slot stays empty (heard at the next look)
    if (again.ino === version.ino) watches[i] = { ino: again.ino, watch };
    else watch.close();
    return again;
  }

  /** One domain whose files can be read (as `loadReadable`); undefined when there is none. */
  async load(name: string): Promise<StoredDomain | undefined> {
    this.#lookAtDirs();
    return this.#load(name);
  }

  /** Every domain of the root that can be read, by name. */
  async loadAll(): Promise<StoredDomain[]> {
    this.#lookAtDirs();
    if (this.#names?.generation !== this.#generation) {
      const names = await this.store.listNames();
      const known = new Set(names);
      for (const n of this.#entries.keys()) if (!known.has(n)) this.#entries.delete(n);
      this.#names = { generation: this.#generation, names };
    }
    const out: StoredDomain[] = [];
    for (const n of this.#names.names) {
      const d = await this.#load(n);
      if (d) out.push(d);
    }
    return out;
  }

  async #load(name: string): Promise<StoredDomain | undefined> {
    const e = this.#entries.get(name);
    const generation = this.#generation;
    if (e && e.generation === generation && this.#settled && !e.linked) return e.domain;
    if (!(this.store.opts.isSafeName?.(name) ?? true)) return undefined;
    const configFile = e?.configFile ?? this.store.configFile(name);
    const statusFile = e?.statusFile ?? this.store.statusFile(name);
    // The versions are taken before the read: a write in between is seen at the next use.
    const config = versionOf(configFile);
    const status = versionOf(statusFile);
    if (e && sameVersion(e.config, config) && sameVersion(e.status, status)) {
      e.generation = generation;
      return e.domain;
    }
    const domain = await this.store.loadReadable(name);
    if (!domain) {
      this.#entries.delete(name);
      return undefined;
    }
    const linked = [configFile, statusFile].some((f) => lstatSync(f, { throwIfNoEntry: false })?.isSymbolicLink() ?? false);
    this.#entries.set(name, { configFile, statusFile, config, status, linked, domain, generation });
    return domain;
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
