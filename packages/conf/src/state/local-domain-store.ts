import { readFileSync } from 'node:fs';
import { lstat, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, VirError, logger, namesWithSuffix, readTextIfExists, withFileLock, writeFileAtomic, type ErrorDomain } from '@tsvirt/util';
import { parseDomainXML } from '../domain/domain-parse.js';
import type { DomainDef } from '../domain/domain-def.js';
import type { StateFile } from './state-file.js';

/** What every status file of a local domain holds, whatever else its driver keeps. */
export interface DomainStatusBase {
  readonly phase: string;
  readonly name: string;
}

/** What a driver's statuses tell of a domain: whether it is active, and then its live definition and UUID. */
export interface DomainStatusKind<S extends DomainStatusBase, A extends S> {
  /** The guest architecture definitions are read for. */
  readonly arch: string;
  /** Whether a status is of a domain starting or running, which then carries its live definition. */
  readonly isActive: (s: S | undefined) => s is A;
  /** The live definition and the UUID of an active domain. */
  readonly liveXml: (s: A) => string;
  readonly liveUuid: (s: A) => string;
}

/** How one local hypervisor driver keeps its domains on disk (libvirt's per-driver directories). */
export interface LocalDomainStoreOptions<S extends DomainStatusBase, A extends S> extends DomainStatusKind<S, A> {
  /** Persistent definitions (`NAME.xml`) and `autostart/`. */
  readonly configDir: string;
  /** Status files (`NAME.json`), `locks/` and the id counter. */
  readonly stateDir: string;
  readonly domain: ErrorDomain;
  /** The driver's versioned status file. */
  readonly status: StateFile<S>;
  /** How long a job waits for another process's job on the same domain (default 60 s). */
  readonly lockWaitMs?: number;
  /** A name that could not be one of the root's own files (`/`, a leading dot, ...), never looked up. */
  readonly isSafeName?: (name: string) => boolean;
}

/** One domain as found on disk: its persistent definition and its status, either possibly absent. */
export interface StoredDomain<S> {
  readonly name: string;
  /** Parsed when first asked for. */
  readonly persistentDef: DomainDef | undefined;
  /** Whether a persistent definition exists (without parsing it). */
  readonly hasConfig: boolean;
  readonly status: S | undefined;
}

/** The definition in effect: the live one while active, the persistent one otherwise. */
export function currentDefinition<S extends DomainStatusBase, A extends S>(kind: DomainStatusKind<S, A>, d: StoredDomain<S>): DomainDef {
  return kind.isActive(d.status) ? parseDomainXML(kind.liveXml(d.status), { arch: kind.arch }) : d.persistentDef!;
}

/** The UUID of a stored domain, without parsing a live definition. */
export function storedUuid<S extends DomainStatusBase, A extends S>(kind: DomainStatusKind<S, A>, d: StoredDomain<S>): string {
  return kind.isActive(d.status) ? kind.liveUuid(d.status) : d.persistentDef!.uuid;
}

/**
 * The store of a local hypervisor driver's domains (driver-lxc's, driver-qemu's): persistent
 * definitions, versioned status files, autostart links, per-domain and driver-wide locks between
 * processes, and domain ids. A definition or status that cannot be read is skipped with a logged
 * error when loading many, as libvirt skips it, so one bad file never breaks the rest of a root.
 */
export class LocalDomainStore<S extends DomainStatusBase, A extends S> {
  private readonly log = logger('conf.domain-store');

  constructor(readonly opts: LocalDomainStoreOptions<S, A>) {}

  configFile(name: string): string {
    return join(this.opts.configDir, `${name}.xml`);
  }
  autostartLink(name: string): string {
    return join(this.opts.configDir, 'autostart', `${name}.xml`);
  }
  statusFile(name: string): string {
    return join(this.opts.stateDir, `${name}.json`);
  }
  domainLockFile(name: string): string {
    return join(this.opts.stateDir, 'locks', `${name}.lock`);
  }
  driverLockFile(): string {
    return join(this.opts.stateDir, 'locks', 'driver.lock');
  }

  private safe(name: string): boolean {
    return this.opts.isSafeName?.(name) ?? true;
  }

  /** Names of every domain with a definition or a status file. */
  async listNames(): Promise<string[]> {
    const [defined, known] = await Promise.all([namesWithSuffix(this.opts.configDir, '.xml'), namesWithSuffix(this.opts.stateDir, '.json')]);
    return [...new Set([...defined, ...known])].filter((n) => this.safe(n)).sort();
  }

  writeStatus(status: S): Promise<void> {
    return this.opts.status.write(this.statusFile(status.name), status);
  }

  async removeStatus(name: string): Promise<void> {
    await rm(this.statusFile(name), { force: true });
  }

  /** Reads a status file; one that names another domain is refused as corrupt. */
  async readStatus(name: string): Promise<S | undefined> {
    const file = this.statusFile(name);
    const s = await this.opts.status.read(file);
    if (s && s.name !== name) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `invalid ${this.opts.status.format.kind} file '${file}': it names domain '${s.name}'`, this.opts.domain);
    }
    return s;
  }

  /** One domain; undefined when it exists in neither form or its name cannot be one of the root's files. */
  async load(name: string): Promise<StoredDomain<S> | undefined> {
    if (!this.safe(name)) return undefined;
    const [text, status] = await Promise.all([readTextIfExists(this.configFile(name)), this.readStatus(name)]);
    if (text === undefined && !this.opts.isActive(status)) return undefined;
    const arch = this.opts.arch;
    let def: DomainDef | undefined;
    return {
      name,
      status,
      hasConfig: text !== undefined,
      get persistentDef() {
        if (text !== undefined) def ??= parseDomainXML(text, { arch });
        return def;
      },
    };
  }

  /** One domain whose files can be read, its definition read now; one that cannot is logged and skipped. */
  async loadReadable(name: string): Promise<StoredDomain<S> | undefined> {
    try {
      const d = await this.load(name);
      if (d && !this.opts.isActive(d.status)) void d.persistentDef;
      return d;
    } catch (e) {
      this.log.error(`skipping domain '${name}': ${(e as Error).message}`);
      return undefined;
    }
  }

  async loadAll(): Promise<Array<StoredDomain<S>>> {
    const all = await Promise.all((await this.listNames()).map((n) => this.loadReadable(n)));
    return all.filter((d): d is StoredDomain<S> => d !== undefined);
  }

  /** The status of every domain that is starting or running; unreadable ones are logged and skipped. */
  async loadActiveStatuses(): Promise<A[]> {
    const names = (await namesWithSuffix(this.opts.stateDir, '.json')).filter((n) => this.safe(n));
    const all: Array<S | undefined> = await Promise.all(names.map((n) => this.readStatus(n).catch((e: Error) => {
      this.log.error(`skipping the status of domain '${n}': ${e.message}`);
      return undefined;
    })));
    const active: A[] = [];
    for (const s of all) if (this.opts.isActive(s)) active.push(s);
    return active;
  }

  /** Writes a persistent definition atomically. */
  async saveConfig(name: string, xml: string): Promise<void> {
    await writeFileAtomic(this.configFile(name), xml, { domain: this.opts.domain });
  }

  async removeConfig(name: string): Promise<void> {
    await rm(this.configFile(name), { force: true });
  }

  async hasAutostart(name: string): Promise<boolean> {
    return lstat(this.autostartLink(name)).then(() => true, () => false);
  }

  /** Marks or unmarks a domain for autostart: a link to its definition, as libvirt keeps it. */
  async setAutostart(name: string, on: boolean): Promise<void> {
    const link = this.autostartLink(name);
    await rm(link, { force: true });
    if (!on) return;
    await mkdir(dirname(link), { recursive: true });
    await symlink(this.configFile(name), link);
  }

  /** Runs `fn` as the only job on domain `name` among all processes using this root. */
  withDomainJob<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.domainLockFile(name), fn, { waitMs: this.opts.lockWaitMs ?? 60_000, domain: this.opts.domain });
  }

  /** Runs `fn` holding the driver-wide lock (ids, the set of names and UUIDs, shared tables). */
  withDriverLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.driverLockFile(), fn, { waitMs: this.opts.lockWaitMs ?? 60_000, domain: this.opts.domain });
  }

  /** The next domain id (libvirt never reuses one while the driver lives); the caller holds the driver lock. */
  async allocateId(): Promise<number> {
    const file = join(this.opts.stateDir, 'next-id');
    let text = '1';
    try {
      // Read at once: four thread-pool trips for a few bytes were a wait each, under the driver lock, on a start.
      text = readFileSync(file, 'utf8');
    } catch {
      // none yet: the first id
    }
    const id = Math.max(1, Number(text.trim()) || 1);
    // Not synced: only a crash of the machine can lose it, and then no domain runs whose id a
    // new one could repeat (an empty or older counter is read as above). A start saves an fsync.
    await writeFileAtomic(file, `${id + 1}\n`, { domain: this.opts.domain, durable: false });
    return id;
  }
}
