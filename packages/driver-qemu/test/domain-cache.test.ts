import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseURI } from '@tsvirt/util';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainCache } from '../src/state/domain-cache.js';
import { pathsForURI, type DriverPaths } from '../src/state/driver-paths.js';
import { qemuStore } from '../src/state/qemu-store.js';
import type { ActiveStatus } from '../src/state/domain-status.js';

const root = mkdtempSync(join(tmpdir(), 'tsvirt-qemu-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const paths = pathsForURI(parseURI(`qemu:///embed?root=${root}`)) as DriverPaths;
const store = qemuStore(paths);
const UUID = 'c7a5fdbd-edaf-9455-926a-d65c16db1809';
const xml = (name: string, mib: number): string =>
  `<domain type='qemu'><name>${name}</name><uuid>${UUID}</uuid><memory unit='MiB'>${mib}</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;

/** A running domain's status, as another process writes it. */
function running(name: string, state: number): ActiveStatus {
  const runDir = join(paths.stateDir, `domain-1-${name}`);
  return {
    phase: 'active', name, uuid: UUID, id: 1, state, reason: 1, pid: 1, runDir, monitor: join(runDir, 'monitor.sock'),
    xml: xml(name, 64), startPaused: false, persistent: true, sharedDisks: [], pendingUnplug: [], nextNode: 1, diskNodes: {}, fakeReboot: false,
  };
}

describe("the root's domain cache", () => {
  it('hands out the same domain while its files are unchanged, and a new one after any process changes either', async () => {
    const cache = new DomainCache(store);
    expect(await cache.load('a')).toBeUndefined();
    await store.saveConfig('a', xml('a', 64));
    const first = await cache.load('a');
    expect(first?.persistentDef?.memoryKiB).toBe(65536);
    expect(await cache.load('a')).toBe(first);

    // A status of the same size (only the state differs), written atomically as every writer does.
    await store.writeStatus(running('a', 1));
    const started = await cache.load('a');
    expect(started).not.toBe(first);
    expect(started?.status).toMatchObject({ state: 1 });
    await store.writeStatus(running('a', 3));
    expect((await cache.load('a'))?.status).toMatchObject({ state: 3 });

    // An edit in place of the definition (no rename) is seen too.
    writeFileSync(store.configFile('a'), xml('a', 128));
    expect((await cache.load('a'))?.persistentDef?.memoryKiB).toBe(131072);

    await store.removeStatus('a');
    await store.removeConfig('a');
    expect(await cache.load('a')).toBeUndefined();
  });

  it('lists what is on disk now, and never looks up a name outside the root', async () => {
    const cache = new DomainCache(store);
    await store.saveConfig('b', xml('b', 64));
    await store.saveConfig('c', xml('c', 64));
    expect((await cache.loadAll()).map((d) => d.name)).toEqual(['b', 'c']);
    await store.removeConfig('b');
    expect((await cache.loadAll()).map((d) => d.name)).toEqual(['c']);
    expect(await cache.load('../etc/c')).toBeUndefined();
    writeFileSync(store.configFile('d'), '<domain');
    expect((await cache.loadAll()).map((d) => d.name)).toEqual(['c']);
  });
});
