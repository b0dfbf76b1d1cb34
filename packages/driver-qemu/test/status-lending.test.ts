import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseURI } from '@tsvirt/util';
import { pathsForURI, type DriverPaths } from '../src/state/driver-paths.js';
import { qemuStore } from '../src/state/qemu-store.js';
import type { ActiveStatus } from '../src/state/domain-status.js';

const dir = mkdtempSync(join(tmpdir(), 'qwatch-lend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const paths = pathsForURI(parseURI(`qemu:///embed?root=${dir}`)) as DriverPaths;
const store = qemuStore(paths);

function active(name: string, state = 1): ActiveStatus {
  const runDir = join(paths.stateDir, `domain-1-${name}`);
  return {
    phase: 'active', name, uuid: 'c7a5fdbd-edaf-9455-926a-d65c16db1809', id: 1, state, reason: 1, pid: 1, pidStart: '1', runDir,
    monitor: join(runDir, 'monitor.sock'), xml: '<domain/>', startPaused: false, persistent: true, sharedDisks: [], pendingUnplug: [],
    nextNode: 1, diskNodes: {}, fakeReboot: false,
  };
}

describe('statuses lent by a look at the whole root', () => {
  it('the next read of an unchanged file takes the status read by the look, once; later reads read the file', async () => {
    await store.writeStatus(active('lend1'));
    await store.writeStatus({ phase: 'inactive', name: 'off1', reason: 1 });
    const [lent, ...rest] = await store.lendActiveStatuses();
    expect(rest).toEqual([]);
    expect(lent).toMatchObject({ name: 'lend1', state: 1 });
    expect(await store.readStatus('lend1')).toBe(lent);
    const again = await store.readStatus('lend1');
    expect(again).not.toBe(lent);
    expect(again).toEqual(lent);
  });

  it('a file written after the look is read again, never taken from the look', async () => {
    const [lent] = await store.lendActiveStatuses();
    await store.writeStatus(active('lend1', 3));
    const read = await store.readStatus('lend1');
    expect(read).not.toBe(lent);
    expect(read).toMatchObject({ state: 3 });
  });

  it('a file removed after the look is gone for the next reader', async () => {
    await store.lendActiveStatuses();
    await store.removeStatus('lend1');
    expect(await store.readStatus('lend1')).toBeUndefined();
  });
});
