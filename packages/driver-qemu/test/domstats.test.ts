import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectGetAllDomainStatsFlags, DomainMemoryStatTag as T, DomainModificationImpact as I, DomainXMLFlags, DomainStatsTypes as S, type Connection } from '@tsvirt/api';
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
      'state.state', 'state.reason', 'cpu.time', 'cpu.user', 'cpu.system', 'cpu.cache.monitor.count', 'cpu.haltpoll.success.time',
      'cpu.haltpoll.fail.time', 'balloon.current', 'balloon.maximum', 'balloon.last-update', 'balloon.rss',
      'vcpu.current', 'vcpu.maximum', 'vcpu.0.state', 'vcpu.0.time', 'vcpu.0.wait', 'vcpu.0.delay', 'net.count', 'block.count',
      'block.0.name', 'block.0.path', 'block.0.backingIndex',
      'block.0.rd.reqs', 'block.0.rd.bytes', 'block.0.rd.times', 'block.0.wr.reqs', 'block.0.wr.bytes', 'block.0.wr.times',
      'block.0.fl.reqs', 'block.0.fl.times', 'block.0.allocation', 'block.0.capacity', 'block.0.physical',
      'dirtyrate.calc_status', 'dirtyrate.calc_start_time', 'dirtyrate.calc_period', 'dirtyrate.calc_mode',
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
    await expect(conn.getAllDomainStats(S.STATE | 0x800, ConnectGetAllDomainStatsFlags.ENFORCE_STATS)).rejects.toThrow('Stats types bits 0x800 are not supported by this daemon');
    await expect(conn.getAllDomainStats(S.DIRTYRATE | S.VM, ConnectGetAllDomainStatsFlags.ENFORCE_STATS))
      .rejects.toThrow('Stats types bits 0x600 are not supported by this daemon or QEMU');
    expect((await conn.getAllDomainStats(S.DIRTYRATE | S.VM)).find((r) => r.domain.getName() === 'st2')!.params).toEqual([]);
  });
});

describe('dommemstat with real QEMU (virDomainMemoryStats)', () => {
  // What libvirtd 9.0 printed for a running 64 MiB guest with a virtio balloon and no guest driver
  // (QEMU's guest-stats all 2^64 - 1, last-update 0): actual 65536, last_update 0, rss N.
  it("answers the balloon's size, its last update and QEMU's RSS, as libvirtd 9.0 does without a guest driver", async () => {
    const r = await tsvirsh(root.uri, 'dommemstat', 'st1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^actual 65536\nlast_update 0\nrss [1-9]\d*\n\n$/);
    const dom = await conn.lookupByName('st1');
    expect((await dom.memoryStats()).map((m) => m.tag)).toEqual([T.ACTUAL_BALLOON, T.LAST_UPDATE, T.RSS]);
    expect(await dom.memoryStats(2)).toEqual([{ tag: T.ACTUAL_BALLOON, val: 65536n }, { tag: T.LAST_UPDATE, val: 0n }]);
  });

  it("answers only the RSS without a balloon, and refuses a stopped domain and flags in libvirt's words", async () => {
    const nb = await conn.createXML(domainXml('st3', "<memballoon model='none'/>"));
    try {
      const stats = await nb.memoryStats();
      expect(stats.map((m) => m.tag)).toEqual([T.RSS]);
      expect(stats[0]!.val).toBeGreaterThan(1000n);
    } finally {
      await nb.destroy();
    }
    const st2 = await conn.lookupByName('st2');
    await expect(st2.memoryStats()).rejects.toThrow('Requested operation is not valid: domain is not running');
    await expect((await conn.lookupByName('st1')).memoryStats(13, 1)).rejects.toThrow('unsupported flags (0x1) in function qemuDomainMemoryStats');
    const r = await tsvirsh(root.uri, 'dommemstat', 'st2');
    expect(r.stderr).toContain('error: Failed to get memory statistics for domain st2\nerror: Requested operation is not valid: domain is not running\n');
  });

  it('setMemoryStatsPeriod (dommemstat --period): the balloon polls the guest at that interval in QEMU and in the live XML; --config in the definition', async () => {
    const dom = await conn.lookupByName('st1');
    await dom.setMemoryStatsPeriod(3);
    const polled = JSON.parse(await dom.qemuMonitorCommand(
      '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats-polling-interval"}}')).return;
    expect(polled).toBe(3);
    expect(await dom.getXMLDesc()).toContain("<stats period='3'/>");
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).not.toContain('<stats');
    await dom.setMemoryStatsPeriod(5, I.CONFIG);
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain("<stats period='5'/>");
    await expect(dom.setMemoryStatsPeriod(1, 4)).rejects.toThrow('unsupported flags (0x4) in function qemuDomainSetMemoryStatsPeriod');
    const nb = await conn.createXML(domainXml('st4', "<memballoon model='none'/>"));
    try {
      await expect(nb.setMemoryStatsPeriod(1)).rejects.toThrow('Requested operation is not valid: Active domain has no memory balloon device');
    } finally {
      await nb.destroy();
    }
  });

  it('a start tells QEMU the <stats period> of the definition', async () => {
    const dom = await conn.lookupByName('st2');
    await dom.setMemoryStatsPeriod(7, I.CONFIG);
    await dom.create();
    try {
      const polled = JSON.parse(await dom.qemuMonitorCommand(
        '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats-polling-interval"}}')).return;
      expect(polled).toBe(7);
    } finally {
      await dom.destroy();
    }
  });
});
