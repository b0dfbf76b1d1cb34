import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainState } from '@tsvirt/api';
import { alive, domainXml, reopen, sharedDisk, TestRoot } from './helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/child-job.mjs', import.meta.url));
let root: TestRoot;
let loop: string;

beforeAll(() => {
  root = new TestRoot();
  loop = root.loop();
});
afterAll(async () => {
  await root.cleanup();
});

/** Runs a job in another process and kills it -9 as soon as `midway` holds of the root's status files. */
async function killMidway(args: string[], midway: (s: Array<Record<string, unknown>>) => boolean, read = () => root.statuses()): Promise<void> {
  const child = spawn(process.execPath, [CHILD, root.uri, ...args], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  for (let i = 0; i < 5000 && child.exitCode === null; i++) {
    if (midway(read())) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  child.kill('SIGKILL');
  await exited;
}

const freshConnection = () => reopen(root);

describe('a managing process killed -9 midway', () => {
  it('in the middle of a start: the next process undoes it and the table stays right', async () => {
    await killMidway(['start', 'k1', domainXml('k1', sharedDisk(loop, 'sda'))],
      (s) => s.some((x) => x['name'] === 'k1' && x['phase'] === 'starting' && typeof x['pid'] === 'number'));
    const conn = await freshConnection();
    const dom = await conn.lookupByName('k1');
    const [state] = await dom.getState();
    const status = root.statuses().find((x) => x['name'] === 'k1')!;
    const table = await conn.listSharedDisks();
    if (state === DomainState.SHUTOFF) {
      expect(table).toEqual([]);
      expect(status['phase']).toBe('inactive');
    } else {
      expect(table[0]!.domains).toEqual(['k1']);
      expect(alive(status['pid'] as number)).toBe(true);
    }
  });

  it('in the middle of an attach: the disk is either fully there or fully gone', async () => {
    const conn = await freshConnection();
    const dom = await conn.lookupByName('k1');
    if (!(await dom.isActive())) await dom.create();
    await killMidway(['attach', 'k1', sharedDisk(loop, 'sdb')],
      (s) => s.some((x) => x['name'] === 'k1' && typeof x['pendingPlug'] === 'string'), () => root.journals());
    const again = await freshConnection();
    const d = await again.lookupByName('k1');
    const xml = await d.getXMLDesc();
    const block = JSON.parse(await d.qemuMonitorCommand('{"execute":"query-block"}')).return as Array<{ qdev: string }>;
    const inQemu = block.some((b) => b.qdev.includes('scsi0-0-0-1'));
    expect(xml.includes("<target dev='sdb'")).toBe(inQemu);
    expect(root.statuses().find((x) => x['name'] === 'k1')!['pendingPlug']).toBeUndefined();
    expect((await again.listSharedDisks())[0]!.domains).toEqual(['k1']);
  });

  it('a QEMU killed -9 leaves its domain shut off (crashed) with its table rows gone', async () => {
    const conn = await freshConnection();
    const pid = root.statuses().find((x) => x['name'] === 'k1')!['pid'] as number;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const fresh = await freshConnection();
    expect(await (await fresh.lookupByName('k1')).getState()).toEqual([DomainState.SHUTOFF, 3]);
    expect(await conn.listSharedDisks()).toEqual([]);
  });
});
