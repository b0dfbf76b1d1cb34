import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSnapshotXML, parseSnapshotXML } from '@tsvirt/conf';
import type { Snapshot, SnapshotTree } from '@tsvirt/api';
import { ErrorDomain, logger, readTextIfExists, writeFileAtomic } from '@tsvirt/util';
import type { DriverPaths } from '../state/driver-paths.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

const log = logger('qemu.snapshot');

/** The header libvirt writes above each snapshot's metadata file. */
const HEADER = `<!--
WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE
OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:
  virsh snapshot-edit
or other application using the libvirt API.
-->

`;

/** `LIBDIR/snapshot/DOMAIN/`: one `SNAPSHOT.xml` per snapshot, as libvirt keeps them. */
export const snapshotDir = (paths: DriverPaths, domain: string): string => join(paths.libDir, 'snapshot', domain);

const fileOf = (paths: DriverPaths, domain: string, name: string): string => join(snapshotDir(paths, domain), `${name}.xml`);

async function xmlNames(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  return names.filter((n) => n.endsWith('.xml') && !n.startsWith('.'));
}

/** Whether the domain has any snapshot metadata (for list filters and undefine). */
export async function snapshotCount(paths: DriverPaths, domain: string): Promise<number> {
  return (await xmlNames(snapshotDir(paths, domain))).length;
}

/**
 * A domain's snapshots read from their files, in creation order; the one whose `<active>` is 1 is
 * current. A file that cannot be read or parsed is skipped with a logged error, as libvirt does.
 */
export async function loadSnapshots(paths: DriverPaths, domain: string): Promise<SnapshotTree> {
  const dir = snapshotDir(paths, domain);
  const snaps: Snapshot[] = [];
  let current: string | undefined;
  for (const file of await xmlNames(dir)) {
    try {
      const text = await readTextIfExists(join(dir, file));
      if (text === undefined) continue;
      const def = parseSnapshotXML(text, { redefine: true, internal: true, domainDefaults: { arch: GUEST_ARCH } }) as Snapshot;
      if (def.active) current = def.name;
      delete def.active;
      snaps.push(def);
    } catch (e) {
      log.error(`Failed to parse snapshot XML from file '${join(dir, file)}': ${(e as Error).message}`);
    }
  }
  snaps.sort((a, b) => (a.creationTime ?? 0) - (b.creationTime ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { snaps, current };
}

/** Writes one snapshot's metadata file atomically, marked current or not. */
export async function writeSnapshot(paths: DriverPaths, domain: string, snap: Snapshot, current: boolean): Promise<void> {
  const text = HEADER + formatSnapshotXML(snap, { internal: { current } });
  await writeFileAtomic(fileOf(paths, domain, snap.name), text, { mode: 0o600, domain: ErrorDomain.QEMU });
}

/**
 * Writes the files a change of the tree touched: each of `changed`, and the old and new current
 * snapshots (their `<active>` marks), so that the files always name one current snapshot.
 */
export async function saveTree(paths: DriverPaths, domain: string, tree: SnapshotTree, changed: readonly Snapshot[], oldCurrent: string | undefined): Promise<void> {
  const names = new Set([...changed.map((s) => s.name), ...(oldCurrent !== undefined ? [oldCurrent] : []), ...(tree.current !== undefined ? [tree.current] : [])]);
  // The old current loses its mark first, so a crash half-way leaves at most none marked.
  const order = [...names].sort((a, b) => (a === tree.current ? 1 : 0) - (b === tree.current ? 1 : 0));
  for (const name of order) {
    const snap = tree.snaps.find((s) => s.name === name);
    if (snap) await writeSnapshot(paths, domain, snap, name === tree.current);
  }
}

export async function removeSnapshotFile(paths: DriverPaths, domain: string, name: string): Promise<void> {
  await rm(fileOf(paths, domain, name), { force: true });
}

/** Removes every snapshot's metadata of a domain (undefine with SNAPSHOTS_METADATA, a transient domain gone). */
export async function removeAllSnapshots(paths: DriverPaths, domain: string): Promise<void> {
  await rm(snapshotDir(paths, domain), { recursive: true, force: true });
}
