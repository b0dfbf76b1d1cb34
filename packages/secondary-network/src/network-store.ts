import { readFileSync, readlinkSync } from 'node:fs';
import { formatNetworkXML, parseNetworkXML, type NetworkDef } from '@tsvirt/conf';
import { ErrorDomain, logger, removeIfExists, setAutostartSymlink, smallDirNames, systemError, withFileLock, writeFileAtomic } from '@tsvirt/util';
import { autostartLink, configFile, driverLock, statusFile, type NetworkPaths } from './network-paths.js';
import { STATUS_FILE, type NetworkStatus } from './network-status.js';

const log = logger('network.store');
const D = ErrorDomain.NETWORK;

/** One network as the files of a root describe it (libvirt's virNetworkObj). */
export interface NetworkObject {
  /** The live definition while active, else the persistent one. */
  readonly def: NetworkDef;
  /** The persistent definition (its config file); absent for a transient network. */
  readonly config?: NetworkDef;
  readonly status?: NetworkStatus;
  readonly autostart: boolean;
}

export const isActive = (n: NetworkObject): n is NetworkObject & { status: NetworkStatus } => n.status !== undefined;

/**
 * Definitions parsed from each file text this process has read: every call reads the files afresh,
 * and one tsvirsh command reads them several times (open, lookup, change under the lock), but a
 * text parses to the same definition, which nothing changes in place. Bounded for a long-lived process.
 */
const parsed = new Map<string, NetworkDef>();
function parseCached(xml: string): NetworkDef {
  let def = parsed.get(xml);
  if (!def) {
    if (parsed.size >= 256) parsed.clear();
    def = parseNetworkXML(xml);
    parsed.set(xml, def);
  }
  return def;
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** A root's small directory, read at once (a daemon reads it on every client's open). */
function listDir(dir: string, suffix: string): string[] {
  let names: string[];
  try {
    names = smallDirNames(dir);
  } catch (e) {
    throw systemError(`cannot open directory '${dir}'`, e as NodeJS.ErrnoException, D);
  }
  return names.filter((n) => n.endsWith(suffix)).sort();
}

function readConfigs(dir: string): Map<string, NetworkDef> {
  const defs = new Map<string, NetworkDef>();
  for (const file of listDir(dir, '.xml')) {
    try {
      const def = parseCached(readFileSync(`${dir}/${file}`, 'utf8'));
      defs.set(def.name, def);
    } catch (e) {
      log.warn(`skipping network file '${dir}/${file}': ${(e as Error).message}`);
    }
  }
  return defs;
}

function readStatuses(dir: string): Map<string, { def: NetworkDef; status: NetworkStatus }> {
  const out = new Map<string, { def: NetworkDef; status: NetworkStatus }>();
  for (const file of listDir(dir, '.json')) {
    try {
      const status = STATUS_FILE.parse(readFileSync(`${dir}/${file}`, 'utf8'), `${dir}/${file}`);
      const def = parseCached(status.xml);
      out.set(def.name, { def, status });
    } catch (e) {
      if (!isMissing(e)) log.warn(`skipping network status '${dir}/${file}': ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * Every network of a root, by name: persistent definitions, the status files of active networks
 * and the autostart links. There is no daemon: each call reads the files, which every change
 * writes atomically under the root's lock.
 */
export async function loadNetworks(paths: NetworkPaths): Promise<NetworkObject[]> {
  const configs = readConfigs(paths.configDir);
  const live = readStatuses(paths.stateDir);
  const names = [...new Set([...configs.keys(), ...live.keys()])].sort();
  return names.map((name) => {
    const config = configs.get(name);
    const running = live.get(name);
    return {
      def: running?.def ?? config!,
      ...(config ? { config } : {}),
      ...(running ? { status: running.status } : {}),
      autostart: config !== undefined && isLink(autostartLink(paths, name)),
    };
  });
}

function isLink(path: string): boolean {
  try {
    readlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs a change to the networks of a root while holding its lock. */
export function withNetworksLock<T>(paths: NetworkPaths, fn: () => Promise<T>): Promise<T> {
  return withFileLock(driverLock(paths), fn, { domain: D });
}

export async function saveConfig(paths: NetworkPaths, def: NetworkDef): Promise<void> {
  await writeFileAtomic(configFile(paths, def.name), formatNetworkXML(def), { mode: 0o600, domain: D });
}

export async function saveStatus(paths: NetworkPaths, name: string, status: NetworkStatus): Promise<void> {
  await writeFileAtomic(statusFile(paths, name), STATUS_FILE.serialize(status), { mode: 0o600, domain: D });
}

export const removeFile = (path: string, what: string): Promise<void> => removeIfExists(path, what, D);

export const removeStatus = (paths: NetworkPaths, name: string): Promise<void> => removeFile(statusFile(paths, name), 'status file');

export async function removeConfig(paths: NetworkPaths, name: string): Promise<void> {
  await removeFile(autostartLink(paths, name), 'autostart link');
  await removeFile(configFile(paths, name), 'config file');
}

export const setAutostartLink = (paths: NetworkPaths, name: string, on: boolean): Promise<void> =>
  setAutostartSymlink(autostartLink(paths, name), configFile(paths, name), on, D);
