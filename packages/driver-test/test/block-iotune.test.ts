import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DISK_IOTUNE_LIMITS } from '@tsvirt/conf';
import { DomainModificationImpact as Impact, DomainXMLFlags, typedString, typedULLong, type Domain } from '@tsvirt/api';
import { defaultConn } from './helpers.js';

type Step = [op: 'get' | 'set' | 'xml' | 'destroy', disk: string, params: Record<string, string>, flags: number];
type Outcome = { ok: unknown } | { err: [number, number, string] };

const LIVE = Impact.LIVE;
const CONFIG = Impact.CONFIG;
const BURSTABLE = ['total_bytes_sec', 'read_bytes_sec', 'write_bytes_sec', 'total_iops_sec', 'read_iops_sec', 'write_iops_sec'];
const KINDS = ['bytes_sec', 'iops_sec', 'bytes_sec_max', 'iops_sec_max'];

/** Every flag, parameter, check and error path of virDomainSetBlockIoTune/GetBlockIoTune on the test driver. */
const STEPS: Step[] = [
  ['get', 'vda', {}, 0],
  ['set', 'vda', { read_bytes_sec: '5' }, 4],
  ['set', 'vda', { read_bytes_sec: '5' }, LIVE | CONFIG],
  ['set', 'vdz', { read_bytes_sec: '5' }, 0],
  ['get', 'vdz', {}, 0],
  ['get', 'vda', {}, 8],
  ['get', 'vda', {}, LIVE | CONFIG],
  // Each limit above its burst (0 when unset), on the persistent definition that has none.
  ...BURSTABLE.map((f): Step => ['set', 'vda', { [f]: '5' }, CONFIG]),
  // Each limit alone, at and over the driver's ceiling.
  ...DISK_IOTUNE_LIMITS.filter((f) => !BURSTABLE.includes(f)).flatMap((f): Step[] => [
    ['set', 'vda', { [f]: '1000000000000001' }, CONFIG], ['set', 'vda', { [f]: '1000000000000000' }, CONFIG], ['get', 'vda', {}, CONFIG],
  ]),
  ['set', 'vda', { read_bytes_sec: '8', read_bytes_sec_max: '9', write_iops_sec: '3', write_iops_sec_max: '4' }, 0],
  // A total beside a read or write limit, given now or set before.
  ...KINDS.flatMap((k): Step[] => [
    ['set', 'vda', { [`total_${k}`]: '1', ...(k.endsWith('_max') ? {} : { [`total_${k}_max`]: '2' }) }, 0],
    ['set', 'vda', { [`total_${k}`]: '1', [`read_${k}`]: '1', [`write_${k}`]: '1' }, CONFIG],
  ]),
  // 0 clears a limit; a total then fits; group_name beside a limit; a disk named by its source.
  ['set', 'vda', { read_bytes_sec: '0', read_bytes_sec_max: '0', total_bytes_sec: '6', total_bytes_sec_max: '7' }, 0],
  ['set', '/guest/diskimage1', { size_iops_sec: '4', group_name: 'gg' }, LIVE],
  ['get', 'vda', {}, 0], ['get', '/guest/diskimage1', {}, LIVE], ['get', 'vda', {}, CONFIG],
  ['xml', '', {}, 0], ['xml', '', {}, DomainXMLFlags.INACTIVE],
  ['set', 'vda', { group_name: '' }, 0], ['get', 'vda', {}, 0],
  ['destroy', '', {}, 0],
  ['set', 'vda', { size_iops_sec: '3' }, LIVE],
  ['set', 'vda', { size_iops_sec: '5' }, 0],
  ['get', 'vda', {}, 0], ['xml', '', {}, 0],
];

function oracle(): Outcome[] {
  const script = fileURLToPath(new URL('./block-iotune/oracle.py', import.meta.url));
  return JSON.parse(execFileSync('/usr/bin/python3', [script], { input: JSON.stringify(STEPS), encoding: 'utf8', timeout: 60_000 })) as Outcome[];
}

async function run(dom: Domain, [op, disk, params, flags]: Step): Promise<unknown> {
  if (op === 'get') {
    return Object.fromEntries((await dom.blockIoTune(disk, flags)).filter((p) => p.value).map((p) => [p.field, String(p.value)]));
  }
  if (op === 'set') {
    // python3-libvirt reads the disk's limits (with the same flags) to learn their types before it sets any.
    await dom.blockIoTune(disk, flags);
    return dom.setBlockIoTune(disk, Object.entries(params).map(([f, v]) => (f === 'group_name' ? typedString(f, v) : typedULLong(f, BigInt(v)))), flags)
      .then(() => 0);
  }
  if (op === 'xml') return [...(await dom.getXMLDesc(flags)).matchAll(/<iotune>[\s\S]*?<\/iotune>/g)].map((m) => m[0]);
  return dom.destroy().then(() => 0);
}

async function tsvirt(): Promise<Outcome[]> {
  const conn = await defaultConn();
  try {
    const dom = await conn.lookupByName('test');
    const out: Outcome[] = [];
    for (const step of STEPS) {
      try {
        out.push({ ok: await run(dom, step) });
      } catch (e) {
        const v = e as { code: number; domain: number; message: string };
        out.push({ err: [v.code, v.domain, v.message] });
      }
    }
    return out;
  } finally {
    await conn.close();
  }
}

describe('block I/O tuning of the mock, step by step as python3-libvirt 9.0 answers', () => {
  it(`matches libvirt on all ${STEPS.length} steps`, async () => {
    const [want, got] = [oracle(), await tsvirt()];
    expect(got.map((o, i) => [STEPS[i], o])).toEqual(want.map((o, i) => [STEPS[i], o]));
  });
});
