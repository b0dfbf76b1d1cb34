import { describe, expect, it } from 'vitest';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { libvirtTestCommandLine } from './conformance.js';

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

  it('refuses huge pages for a node the guest does not have', async () => {
    const pages = (nodeset: string): string => `<memoryBacking><hugepages><page size='2048' unit='KiB' nodeset='${nodeset}'/></hugepages></memoryBacking>`;
    await expect(argv(domain(pages('2')))).rejects.toThrow('hugepages: node 2 not found');
    await expect(argv(domain(pages('1'), 219136, false))).rejects.toThrow('hugepages: node 1 not found');
  });
});
