import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '@tsvirt/util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseURI } from '@tsvirt/util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DomainCache } from '../src/state/domain-cache.js';
import { pathsForURI, type DriverPaths } from '../src/state/driver-paths.js';
import { qemuStore } from '../src/state/qemu-store.js';
import type { ActiveStatus } from '../src/state/domain-status.js';

/** How many directory watches were made: a change heard keeps them, only a replaced directory gets a new one. */
const watchesMade = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/state/dir-watch.js', async (importOriginal) => {
  const { DirWatch } = await importOriginal<typeof import('../src/state/dir-watch.js')>();
  return {
    DirWatch: class extends DirWatch {
      constructor(dir: string) {
        super(dir);
        watchesMade.count++;
      }
    },
  };
});

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

  it('once the directories are settled, reads nothing again until one of them changes, and then sees the change', async () => {
    const cache = new DomainCache(store);
    await store.saveConfig('s', xml('s', 64));
    await store.writeStatus(running('s', 1));
    expect((await cache.load('s'))?.status).toMatchObject({ state: 1 });
    // settled: older than a clock tick
    await sleep(120);
    const reads = vi.spyOn(store, 'loadReadable');
    const listNames = vi.spyOn(store, 'listNames');
    const held = await cache.load('s');
    expect(await cache.loadAll()).toContain(held);
    expect(await cache.loadAll()).toContain(held);
    expect(listNames).toHaveBeenCalledTimes(1);
    expect(reads).not.toHaveBeenCalled();
    // the same size again, by another writer: the directory's times tell
    await store.writeStatus(running('s', 3));
    expect((await cache.load('s'))?.status).toMatchObject({ state: 3 });
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    listNames.mockRestore();
    await store.removeStatus('s');
    await store.removeConfig('s');
  });

  it('sees replacements within one tick of the clock, and definitions reached through a symlink', async () => {
    const cache = new DomainCache(store);
    await store.saveConfig('r', xml('r', 64));
    for (const state of [1, 3, 1, 3]) {
      await store.writeStatus(running('r', state));
      expect((await cache.load('r'))?.status).toMatchObject({ state });
    }
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    await writeFileAtomic(join(elsewhere, 'l.xml'), xml('l', 64));
    symlinkSync(join(elsewhere, 'l.xml'), store.configFile('l'));
    expect((await cache.load('l'))?.persistentDef?.memoryKiB).toBe(65536);
    await sleep(120);
    await cache.load('l');
    // written where the link points (writeFileAtomic follows it): the definition directory does not change
    await writeFileAtomic(store.configFile('l'), xml('l', 96));
    expect((await cache.load('l'))?.persistentDef?.memoryKiB).toBe(98304);
    await store.removeStatus('r');
    await store.removeConfig('r');
    await store.removeConfig('l');
  });

  it('watched (a served root): a quiet watch stands for the look; another process\'s change counts once the loop turns, this process\'s at once', async () => {
    const cache = new DomainCache(store);
    cache.watchDirs();
    await store.saveConfig('w', xml('w', 64));
    await store.writeStatus(running('w', 1));
    await sleep(120);
    // the first look finds the directories, the second watches them
    await cache.load('w');
    const held = await cache.load('w');
    expect(held?.status).toMatchObject({ state: 1 });
    const watches = watchesMade.count;
    // Another process replaces the status: until the loop turns, the watch has not told (no look is
    // made: a stat would see the new file), and after it the change is seen.
    const other = (state: number): void => {
      const file = join(root, `other-${state}.json`);
      writeFileSync(file, store.opts.status.serialize(running('w', state)));
      execFileSync('mv', [file, store.statusFile('w')]);
    };
    other(3);
    expect(await cache.load('w')).toBe(held);
    await turn();
    expect((await cache.load('w'))?.status).toMatchObject({ state: 3 });
    expect(watchesMade.count).toBe(watches);
    // this process's own change, through the store, is seen in the same turn
    await store.writeStatus(running('w', 1));
    expect((await cache.load('w'))?.status).toMatchObject({ state: 1 });
    // the state directory replaced under the watch: watched afresh, and changes in the new one are told
    await sleep(120);
    await cache.load('w');
    const moved = `${paths.stateDir}.old`;
    renameSync(paths.stateDir, moved);
    mkdirSync(paths.stateDir);
    await turn();
    expect((await cache.load('w'))?.status).toBeUndefined();
    // the replaced directory only
    expect(watchesMade.count).toBe(watches + 1);
    await sleep(120);
    await cache.load('w');
    other(3);
    await turn();
    expect((await cache.load('w'))?.status).toMatchObject({ state: 3 });
    expect(watchesMade.count).toBe(watches + 1);
    rmSync(moved, { recursive: true, force: true });
    await store.removeStatus('w');
    await store.removeConfig('w');
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
