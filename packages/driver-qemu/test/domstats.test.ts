import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectGetAllDomainStatsFlags, DomainStatsTypes as S, type Connection } from '@tsvirt/api';
import { domainXml, TestRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

let root: TestRoot;
let conn: Connection;

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
  const img = join(root.dir, 'st.img');
  writeFileSync(img, Buffer.alloc(2 << 20));
  const disk = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='sda' bus='scsi'/></disk>`;
  await (await conn.defineXML(domainXml('st1', `${disk}<interface type='user'><mac address='52:54:00:5e:40:01'/></interface>`))).create();
  await conn.defineXML(domainXml('st2'));
});
afterAll(async () => {
  await root.cleanup();
});

/** `field=value` lines of one domain in tsvirsh domstats' output. */
function fieldsOf(out: string, name: string): Map<string, string> {
  const block = out.split('\n\n').find((b) => b.startsWith(`Domain: '${name}'`)) ?? '';
  return new Map(block.split('\n').slice(1).map((l) => l.trim().split('=') as [string, string]));
}

describe('domstats with real QEMU (connectGetAllDomainStats)', () => {
  it('answers state, cpu-total, balloon, vcpu, interface and block of a running domain from QMP and /proc', async () => {
    const r = await tsvirsh(root.uri, 'domstats', 'st1');
    expect(r.code).toBe(0);
    const f = fieldsOf(r.stdout, 'st1');
    expect([...f.keys()]).toEqual([
      'state.state', 'state.reason', 'cpu.time', 'cpu.user', 'cpu.system', 'balloon.current', 'balloon.maximum', 'balloon.rss',
      'vcpu.current', 'vcpu.maximum', 'vcpu.0.state', 'vcpu.0.time', 'net.count', 'block.count', 'block.0.name', 'block.0.path',
      'block.0.rd.reqs', 'block.0.rd.bytes', 'block.0.rd.times', 'block.0.wr.reqs', 'block.0.wr.bytes', 'block.0.wr.times',
      'block.0.fl.reqs', 'block.0.fl.times', 'block.0.allocation', 'block.0.capacity', 'block.0.physical',
    ]);
    expect(f.get('state.state')).toBe('1');
    expect(Number(f.get('cpu.time'))).toBeGreaterThan(0);
    expect(f.get('balloon.current')).toBe('65536');
    expect(f.get('balloon.maximum')).toBe('65536');
    expect(Number(f.get('balloon.rss'))).toBeGreaterThan(1000);
    expect(f.get('vcpu.0.state')).toBe('1');
    expect(f.get('net.count')).toBe('1');
    expect(f.get('block.0.name')).toBe('sda');
    expect(f.get('block.0.capacity')).toBe(String(2 << 20));
    expect(f.get('block.0.physical')).toBe(String(2 << 20));
  });

  it('answers what a stopped domain has, honours the group and list flags, and --enforce', async () => {
    const all = await conn.getAllDomainStats(S.STATE | S.VCPU, ConnectGetAllDomainStatsFlags.ENFORCE_STATS);
    expect(all.map((r) => r.domain.getName()).sort()).toEqual(['st1', 'st2']);
    const stopped = all.find((r) => r.domain.getName() === 'st2')!;
    expect(stopped.params.map((p) => `${p.field}=${String(p.value)}`)).toEqual(['state.state=5', 'state.reason=0', 'vcpu.current=1', 'vcpu.maximum=1']);
    const running = await conn.getAllDomainStats(S.STATE, 1);
    expect(running.map((r) => r.domain.getName())).toEqual(['st1']);
    await expect(conn.getAllDomainStats(S.PERF, ConnectGetAllDomainStatsFlags.ENFORCE_STATS)).rejects.toThrow('Stats types bits 0x40 are not supported by this daemon');
  });
});
