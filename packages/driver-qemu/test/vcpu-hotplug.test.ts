// vCPU hotplug with real QEMU beyond what libvirtd is compared on: a guest saved with a vCPU
// plugged comes back with it (QEMU's stream needs the same vCPUs), a driver restart keeps the
// vCPUs' states, and a failed plug leaves the live definition as it was.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainModificationImpact as I, DomainVcpuFlags as V } from '@tsvirt/api';
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
