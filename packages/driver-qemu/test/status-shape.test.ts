import { v } from '@tsvirt/conf/state';
import { describe, expect, it } from 'vitest';
import { isPlainStatus } from '../src/state/status-shape.js';
import { domainStatusFile, statusSchema } from '../src/state/status-file.js';

const STATE = '/run/tsvirt/qemu';
const RUN = `${STATE}/domain-3-vm`;
const schema = statusSchema(STATE);

const active = {
  phase: 'active', name: 'vm', uuid: 'c7a5fdbd-edaf-9455-926a-d65c16db1809', id: 3, state: 1, reason: 1, pid: 4242,
  pidStart: '123456', runDir: RUN, monitor: `${RUN}/monitor.sock`, xml: '<domain/>', startPaused: false, persistent: true,
  sharedDisks: [], pendingUnplug: ['scsi0-0-0-1'], nextNode: 3, diskNodes: { 'scsi0-0-0-0': 1 }, fakeReboot: false,
  netPlugs: [{ index: 0, tap: 'vnet0', bridge: 'virbr0', network: 'default', portUUID: 'a', unmanaged: false }],
  nextFdSet: 1, agentTimeout: -2, pendingPlug: 'net1', scsiHostdevs: [], blockJobs: {},
};
const inactive = { phase: 'inactive', name: 'vm', reason: 2 };

/** Values of every JSON type, and the edges of the schema's own checks. */
const ODD: unknown[] = ['', 'x', 0, 1, -3, 1.5, 2 ** 53, true, null, [], ['x'], [1], {}, { a: 1 }, 'starting', 'inactive', `${RUN}/x`, '/elsewhere/d'];

/** Each status the quick look may meet: every field removed, replaced by each odd value, an unknown one added. */
function* variants(base: Record<string, unknown>): Generator<unknown> {
  yield base;
  for (const key of [...Object.keys(base), 'unknown', '__proto__']) {
    const without = { ...base };
    delete without[key];
    yield without;
    for (const value of ODD) yield JSON.parse(JSON.stringify({ ...without, [key]: value }));
  }
  for (const plug of [{}, { index: 0, tap: 'vnet0' }, { index: '0', tap: 'vnet0', bridge: 'b' }, { index: 0, tap: 'vnet0', bridge: 'b', extra: 1 }]) yield { ...base, netPlugs: [plug] };
  yield { ...base, sharedDisks: [{ key: '8:0', path: '/dev/sda', label: '/dev/sda', alias: 'scsi0-0-0-0' }] };
  yield { ...base, scsiHostdevs: [{ name: '0:0:0:0', alias: 'hostdev0', shareable: true }] };
  yield { ...base, blockJobs: { vda: { id: 'j', kind: 'copy', alias: 'virtio-disk0', speed: 0, followConfig: false } } };
  yield JSON.parse(`{"phase":"active","diskNodes":{"__proto__":1}}`);
}

describe('the quick look at a status', () => {
  it('takes nothing the schema refuses or would change: every field of both phases missing, mistyped, or added', () => {
    let taken = 0;
    let count = 0;
    for (const base of [active, { ...active, phase: 'starting' }, inactive]) {
      for (const data of variants(base)) {
        count++;
        if (!isPlainStatus(data, STATE)) continue;
        taken++;
        const result = v.safeParse(schema, data);
        expect(result.success, JSON.stringify(data)).toBe(true);
        expect(result.output, JSON.stringify(data)).toEqual(data);
      }
    }
    // the look does take statuses (most of the unchanged and optional-field-less ones)
    expect(taken).toBeGreaterThan(20);
    expect(count).toBeGreaterThan(1000);
  });

  it('takes the statuses a start, a hotplug and a stop write', () => {
    const running: Record<string, unknown> = { ...active };
    delete running.pendingPlug;
    for (const data of [running, { ...running, pendingUnplug: [], netPlugs: [] }, { ...running, pid: undefined }, inactive]) {
      expect(isPlainStatus(JSON.parse(JSON.stringify(data)), STATE)).toBe(true);
    }
  });

  it('leaves the refusals to the schema, with its words', () => {
    const file = domainStatusFile(STATE);
    const text = (data: unknown): string => JSON.stringify({ tsvirt: 'qemu-domain-status', version: 1, data });
    expect(file.parse(text(active), '/f.json')).toEqual(active);
    expect(() => file.parse(text({ ...active, id: '3' }), '/f.json')).toThrow(/invalid qemu-domain-status file '\/f\.json': id: Invalid type: Expected number but received "3"/);
    expect(() => file.parse(text({ ...active, runDir: '/elsewhere/d', monitor: '/elsewhere/d/m' }), '/f.json')).toThrow(/run directory outside the root/);
  });
});
