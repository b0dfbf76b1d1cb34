// vCPU hotplug with real QEMU beyond what libvirtd is compared on: a guest saved with a vCPU
// plugged comes back with it (QEMU's stream needs the same vCPUs), a driver restart keeps the
// vCPUs' states, and a failed plug leaves the live definition as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainModificationImpact as I, DomainStatsTypes as S, DomainVcpuFlags as V } from '@tsvirt/api';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { DOMAIN_CORPUS, argsWords, libvirtTestCommandLine } from './conformance.js';
import { reopen, useTestRoot } from './helpers.js';

const t = useTestRoot();

const xml = (name: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>
  <vcpu current='1'>3</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><memballoon model='none'/></devices></domain>`;

/** The vCPU devices QEMU has plugged, by QOM path. */
async function plugged(name: string): Promise<string[]> {
  const dom = await t.conn.lookupByName(name);
  const reply = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-hotpluggable-cpus"}')) as { return: Array<{ 'qom-path'?: string }> };
  return reply.return.flatMap((s) => (s['qom-path'] ? [s['qom-path']] : [])).sort();
}

describe('vCPU hotplug (setvcpu) with real QEMU', () => {
  it("builds libvirt's command line for cpu-hotplug-startup: -smp counts QEMU's own vCPUs, the others are plugged later", async () => {
    const read = (f: string): string => readFileSync(join(DOMAIN_CORPUS, 'in', f), 'utf8');
    const got = await libvirtTestCommandLine(parseQemuDomain(read('cpu-hotplug-startup.xml'), false));
    const want = argsWords(read('cpu-hotplug-startup.args'));
    const smp = (w: string[]): string | undefined => w[w.indexOf('-smp') + 1];
    // The recording is of a QEMU without dies in -smp (libvirt names them for QEMU 7.2).
    expect(smp(got)?.replace(',dies=1', '')).toBe(smp(want));
    expect(smp(got)).toBe('1,maxcpus=6,sockets=3,dies=1,cores=2,threads=1');
    expect(got.filter((w) => w.includes('-x86_64-cpu'))).toEqual(want.filter((w) => w.includes('-x86_64-cpu')));
  });

  it('a restored guest gets back the vCPUs plugged before its save, with their order', async () => {
    const dom = await t.conn.defineXML(xml('vh1'));
    await dom.create();
    await dom.setVcpu('2', true, I.LIVE);
    expect(await plugged('vh1')).toEqual(['/machine/peripheral/vcpu2', '/machine/unattached/device[0]']);
    const file = join(t.root.dir, 'vh1.save');
    await dom.save(file);
    await t.conn.restore(file);
    expect(await plugged('vh1')).toEqual(['/machine/peripheral/vcpu2', '/machine/unattached/device[0]']);
    expect((await dom.vcpus()).info.map((v) => v.number)).toEqual([0, 2]);
    expect(await dom.getXMLDesc()).toContain("<vcpu id='2' enabled='yes' hotpluggable='yes' order='2'/>");
    expect(await dom.vcpusFlags(V.LIVE)).toBe(2);
    expect(await dom.vcpusFlags(V.CONFIG)).toBe(1);
    // domstats names each vCPU by its id, as libvirt does, not by QEMU's cpu-index.
    const [stats] = await t.conn.getAllDomainStats(S.VCPU, 0);
    expect(stats!.params.map((p) => p.field).filter((f) => f.endsWith('.state'))).toEqual(['vcpu.0.state', 'vcpu.2.state']);
  }, 120_000);

  it('a new driver process reads the live vCPUs back and plugs the next one in its own slot', async () => {
    const conn = await reopen(t.root);
    const dom = await conn.lookupByName('vh1');
    expect((await dom.vcpus()).info.map((v) => v.number)).toEqual([0, 2]);
    await dom.setVcpu('1', true, 0);
    expect(await plugged('vh1')).toEqual(['/machine/peripheral/vcpu1', '/machine/peripheral/vcpu2', '/machine/unattached/device[0]']);
    expect(await dom.getXMLDesc()).toContain("<vcpu id='1' enabled='yes' hotpluggable='yes' order='3'/>");
  }, 120_000);

  it('a plug QEMU refuses leaves the live definition as it was', async () => {
    const dom = await t.conn.lookupByName('vh1');
    // QEMU refuses to unplug without the guest's ACPI: the live state is unchanged.
    await expect(dom.setVcpu('1', false, I.LIVE)).rejects.toMatchObject({ message: expect.stringContaining("unable to execute QEMU command 'device_del'") });
    expect(await dom.vcpusFlags(V.LIVE)).toBe(3);
    expect(await dom.getXMLDesc()).toContain("<vcpu id='1' enabled='yes' hotpluggable='yes' order='3'/>");
    await dom.destroy();
  }, 120_000);
});
