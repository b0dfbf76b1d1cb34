import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommandLine } from '../src/command/qemu-command.js';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { libvirtTestCommandLine } from './conformance.js';
import { qemuMissing, qemuRuns } from './qemu-run.js';

const { root, context, run } = qemuRuns('qc-mem');

/** A TCG domain with two NUMA cells of `kib` KiB each, and `extra` after `<vcpu>`. */
const domain = (extra: string, kib = 102401, cells = true): string => `<domain type='qemu'><name>numa</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>${cells ? 2 * kib : kib}</memory><vcpu>2</vcpu>${extra}<os><type arch='x86_64' machine='pc'>hvm</type></os>
  ${cells ? `<cpu><numa><cell id='0' cpus='0' memory='${kib}' unit='KiB'/><cell id='1' cpus='1' memory='${kib}' unit='KiB'/></numa></cpu>` : ''}
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator><memballoon model='none'/></devices></domain>`;

const argv = (xml: string): Promise<string[]> => libvirtTestCommandLine(parseQemuDomain(xml, false));
const backends = (args: readonly string[]): Array<Record<string, unknown>> =>
  args.flatMap((a, i) => (args[i - 1] === '-object' && a.includes('memory-backend') ? [JSON.parse(a) as Record<string, unknown>] : []));

describe('NUMA memory: node sizes and host node policies', () => {
  it('aligns each node to whole MiB and gives -m their sum', async () => {
    const args = await argv(domain(''));
    expect(args[args.indexOf('-m') + 1]).toBe('202');
    expect(backends(args).map((b) => b['size'])).toEqual([101 * 1048576, 101 * 1048576]);
  });

  it("takes each node's <memnode>, else <numatune><memory>, in QEMU's policy words", async () => {
    for (const [mode, policy] of [['strict', 'bind'], ['preferred', 'preferred'], ['interleave', 'interleave']] as const) {
      const args = await argv(domain(`<numatune><memory mode='${mode}' nodeset='0'/><memnode cellid='1' mode='interleave' nodeset='0,2-3,^2'/></numatune>`));
      expect(backends(args).map((b) => [b['host-nodes'], b['policy']])).toEqual([[[0], policy], [[0, 3], 'interleave']]);
    }
    const restrictive = await argv(domain(`<numatune><memory mode='restrictive' nodeset='0'/><memnode cellid='0' mode='restrictive' nodeset='0'/></numatune>`));
    expect(backends(restrictive).some((b) => 'host-nodes' in b || 'policy' in b)).toBe(false);
    const whole = await argv(domain(`<numatune><memory mode='strict' nodeset='0'/></numatune>`, 219136, false));
    expect(backends(whole)).toEqual([{ 'qom-type': 'memory-backend-ram', id: 'pc.ram', size: 224395264, 'host-nodes': [0], policy: 'bind' }]);
  });

  it("passes a node's discard to QEMU, backing a node without huge pages by a file of the run's memory directory", async () => {
    const xml = (backing: string): string => domain(backing).replace("<cell id='0' cpus='0'", "<cell id='0' cpus='0' discard='no'").replace("<cell id='1' cpus='1'", "<cell id='1' cpus='1' discard='yes'");
    const huge = backends(await argv(xml('<memoryBacking><hugepages/></memoryBacking>')));
    expect(huge.map((b) => b['discard-data'])).toEqual([false, true]);
    const plain = backends(await argv(xml('')));
    expect(plain.map((b) => [b['qom-type'], b['mem-path'], b['discard-data']])).toEqual([
      ['memory-backend-ram', undefined, undefined], ['memory-backend-file', '/var/lib/libvirt/qemu/ram/-1-numa/ram-node1', true],
    ]);
  });

  it('refuses host nodes the host lacks, in every mode, from its sysfs (a fake tree here)', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'tsvirt-numa-sys-'));
    const saved = process.env['TSVIRT_SYSFS_ROOT'];
    process.env['TSVIRT_SYSFS_ROOT'] = sys;
    const ctx = { defaultHugepageKiB: 2048, runName: 'x', hugepageDir: () => undefined };
    const build = (mode: string, nodeset: string): string[] => buildCommandLine(parseQemuDomain(domain(`<numatune><memory mode='${mode}' nodeset='${nodeset}'/></numatune>`)), {
      accel: 'tcg', monitorPath: '/r/m.sock', masterKeyFile: '/r/k', disks: [], hugepages: ctx,
    });
    try {
      // No NUMA in sysfs: node 0 only, as libvirt without libnuma.
      expect(() => build('strict', '0')).not.toThrow();
      expect(() => build('strict', '1')).toThrow('unsupported configuration: NUMA node 1 is unavailable');
      for (const n of [0, 1, 3]) mkdirSync(join(sys, `devices/system/node/node${n}`), { recursive: true });
      expect(() => build('interleave', '0-1,3')).not.toThrow();
      for (const mode of ['strict', 'preferred', 'interleave', 'restrictive']) expect(() => build(mode, '0-2')).toThrow('NUMA node 2 is unavailable');
    } finally {
      if (saved === undefined) delete process.env['TSVIRT_SYSFS_ROOT'];
      else process.env['TSVIRT_SYSFS_ROOT'] = saved;
      rmSync(sys, { recursive: true, force: true });
    }
  });

  it('refuses huge pages for a node the guest does not have', async () => {
    const pages = (nodeset: string): string => `<memoryBacking><hugepages><page size='2048' unit='KiB' nodeset='${nodeset}'/></hugepages></memoryBacking>`;
    await expect(argv(domain(pages('2')))).rejects.toThrow('hugepages: node 2 not found');
    await expect(argv(domain(pages('1'), 219136, false))).rejects.toThrow('hugepages: node 1 not found');
  });

  it('gives -m the initial memory, slots and maximum, and each module its backend and device', async () => {
    const mem = (model: string, inner: string, extra = ''): string => `<memory model='${model}'${extra}>${inner}</memory>`;
    const dimm = (kib: number, address = ''): string => mem('dimm', `<target><size unit='KiB'>${kib}</size><node>1</node></target>${address}`);
    const devices = [
      dimm(524287), dimm(262144, "<address type='dimm' slot='0' base='0x100000000'/>"),
      mem('nvdimm', "<source><path>/n</path><alignsize unit='KiB'>2048</alignsize></source><target><size unit='KiB'>131072</size><node>0</node><readonly/></target>", " access='shared'"),
      mem('virtio-mem', "<source><pagesize unit='KiB'>2048</pagesize><nodemask>0</nodemask></source><target><size unit='KiB'>262144</size><node>0</node><block unit='KiB'>2048</block><requested unit='KiB'>131072</requested></target>"),
    ].join('');
    const xml = domain("<maxMemory slots='8' unit='MiB'>4095</maxMemory>").replace('<memballoon', `${devices}<memballoon`);
    const args = await argv(xml);
    expect(args[args.indexOf('-m') + 1]).toBe('size=206848k,slots=8,maxmem=4194304k');
    const objects = args.flatMap((a, i) => (args[i - 1] === '-object' && /mem(dimm|nvdimm|virtio)|tc-/.test(a) ? [a] : []));
    expect(objects).toEqual([
      '{"qom-type":"memory-backend-ram","id":"memdimm1","size":536870912}',
      '{"qom-type":"memory-backend-ram","id":"memdimm0","size":268435456}',
      '{"qom-type":"memory-backend-file","id":"memnvdimm2","mem-path":"/n","share":true,"prealloc":true,"size":134217728,"align":2097152}',
      '{"qom-type":"memory-backend-file","id":"memvirtiomem0","mem-path":"/dev/hugepages2M/libvirt/qemu/-1-numa","reserve":false,"size":268435456,"host-nodes":[0],"policy":"bind"}',
    ]);
    const devs = args.flatMap((a, i) => (args[i - 1] === '-device' && /dimm|virtio-mem/.test(a) ? [JSON.parse(a) as Record<string, unknown>] : []));
    expect(devs.map((d) => [d['driver'], d['id'], d['slot'], d['driver'] === 'virtio-mem-pci' ? d['bus'] : d['addr'], d['unarmed'], d['prealloc']])).toEqual([
      ['pc-dimm', 'dimm1', 1, undefined, undefined, undefined], ['pc-dimm', 'dimm0', 0, 4294967296, undefined, undefined],
      ['nvdimm', 'nvdimm2', 2, undefined, true, undefined], ['virtio-mem-pci', 'virtiomem0', undefined, 'pci.0', undefined, true],
    ]);
  });

  it("shares a module's memory as it says, else as its guest node, else as the guest", async () => {
    const xml = (moduleAccess: string, node = 1): string => domain("<maxMemory slots='8' unit='MiB'>4096</maxMemory><memoryBacking><access mode='private'/></memoryBacking>")
      .replace("<cell id='1' cpus='1'", "<cell id='1' cpus='1' memAccess='shared'")
      .replace('<memballoon', `<memory model='dimm'${moduleAccess}><target><size unit='KiB'>131072</size><node>${node}</node></target></memory><memballoon`);
    const share = async (moduleAccess: string, node?: number): Promise<unknown> => backends(await argv(xml(moduleAccess, node))).find((b) => b['id'] === 'memdimm0')?.['share'];
    expect(await share('')).toBe(true);
    expect(await share(" access='private'")).toBe(false);
    expect(await share('', 0)).toBe(false);
  });

  it('backs a discarding DIMM by a file, and refuses the modules it cannot back yet', async () => {
    const withDevice = (d: string): string => domain("<maxMemory slots='8' unit='MiB'>4096</maxMemory>").replace('<memballoon', `${d}<memballoon`);
    const dimm = backends(await argv(withDevice("<memory model='dimm' discard='yes'><target><size unit='KiB'>131072</size><node>0</node></target></memory>")));
    expect(dimm[2]).toMatchObject({ 'qom-type': 'memory-backend-file', 'mem-path': '/var/lib/libvirt/qemu/ram/-1-numa/dimm0', 'discard-data': true });
    await expect(argv(withDevice("<memory model='nvdimm'><source><path>/n</path></source><target><size unit='KiB'>131072</size><node>0</node><label><size unit='KiB'>128</size></label></target></memory>")))
      .rejects.toThrow('an NVDIMM label is not supported by this driver yet');
  });

  it('plugs a DIMM, a virtio-mem and a virtio-pmem module into a QEMU 7.2 guest (TCG)', async () => {
    if (qemuMissing()) return;
    const pmem = join(root, 'pmem');
    writeFileSync(pmem, '');
    const modules = [
      "<memory model='dimm'><target><size unit='KiB'>131072</size><node>0</node></target></memory>",
      "<memory model='virtio-mem'><target><size unit='KiB'>131072</size><node>1</node><block unit='KiB'>2048</block><requested unit='KiB'>0</requested></target></memory>",
      `<memory model='virtio-pmem' access='shared'><source><path>${pmem}</path></source><target><size unit='KiB'>16384</size></target></memory>`,
    ].join('');
    // Memory hotplug needs ACPI.
    const xml = domain("<maxMemory slots='4' unit='GiB'>2</maxMemory><features><acpi/></features>").replace('<memballoon', `${modules}<memballoon`);
    const args = buildCommandLine(parseQemuDomain(xml, false), { ...context(root), disks: [] });
    await run(args, root, async (monitor) => {
      const devices = await monitor.execute<Array<{ type: string; data: { id?: string; size?: number } }>>('query-memory-devices');
      expect(devices.map((d) => [d.type, d.data.id, d.data.size])).toEqual([
        ['dimm', 'dimm0', 134217728], ['virtio-mem', 'virtiomem0', 0], ['virtio-pmem', 'virtiopmem0', 16777216],
      ]);
    });
  }, 60_000);
});
