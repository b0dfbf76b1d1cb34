import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainShutoffReason, DomainState } from '@tsvirt/api';
import { noteSettledAtOpen, takeSettledAtOpen } from '../src/driver/settled-at-open.js';
import type { ActiveStatus } from '../src/state/domain-status.js';
import { alive, domainXml, reopen, TestRoot } from './helpers.js';
import { until } from './until.js';

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function active(name: string): ActiveStatus {
  return {
    phase: 'active', name, uuid: 'c7a5fdbd-edaf-9455-926a-d65c16db1809', id: 1, state: 1, reason: 1, pid: 1, pidStart: '1', runDir: '/run/x',
    monitor: '/run/x/monitor.sock', xml: '<domain/>', startPaused: false, persistent: true, sharedDisks: [], pendingUnplug: [],
    nextNode: 1, diskNodes: {}, fakeReboot: false,
  };
}

describe('the answers of the root opening for its running domains', () => {
  it('a status found settled is taken once, in the same turn, and only as that very object', () => {
    const [s, other] = [active('a'), active('b')];
    noteSettledAtOpen([s]);
    expect(takeSettledAtOpen({ ...s })).toBe(false);
    expect(takeSettledAtOpen(other)).toBe(false);
    expect(takeSettledAtOpen(s)).toBe(true);
    expect(takeSettledAtOpen(s)).toBe(false);
  });

  it('the next turn of the event loop forgets them', async () => {
    const s = active('c');
    noteSettledAtOpen([s]);
    await nextTurn();
    expect(takeSettledAtOpen(s)).toBe(false);
  });
});

describe('a running domain read after the turn of the opening', () => {
  let root: TestRoot;
  beforeAll(() => {
    root = new TestRoot();
  });
  afterAll(() => root.cleanup());

  it('is checked again: a QEMU killed since the opening shows its domain shut off (crashed)', async () => {
    const conn = await root.open();
    await (await conn.defineXML(domainXml('settled1'))).create();
    const again = await reopen(root);
    // A listing takes the statuses the opening read, without asking about them again.
    const [dom] = await again.listAllDomains();
    await nextTurn();
    const pid = root.statuses().find((x) => x['name'] === 'settled1')!['pid'] as number;
    process.kill(pid, 'SIGKILL');
    await until(() => !alive(pid), 'the killed QEMU to go');
    expect(await dom!.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.CRASHED]);
  }, 120_000);
});
