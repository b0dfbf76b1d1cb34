// Memory devices beside libvirt's own QEMU driver (Debian's libvirtd 9.0 with QEMU 7.2,
// qemu:///system): `update-memory-device` with every flag and `update-device` of a `<memory>`, on
// a stopped and a running guest with two NUMA nodes, a virtio-mem device and a DIMM (TCG, no guest
// OS, so the guest never plugs a block), through virsh and through tsvirsh on qemu:///embed,
// compared byte for byte; then the memory devices of both sides' live and persistent definitions
// and the requested size inside each QEMU.
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-memdev-${process.pid}`;
let root: TestRoot;

/** A guest with memory hotplug (ACPI, `<maxMemory slots>`), two NUMA nodes, virtio-mem on node 0 and a DIMM on node 1. */
const DOMAIN = `<domain type='qemu'><name>${NAME}</name>
  <maxMemory slots='4' unit='KiB'>1048576</maxMemory><memory unit='KiB'>262144</memory><vcpu>2</vcpu>
  <features><acpi/></features><os><type arch='x86_64' machine='pc'>hvm</type></os>
  <cpu mode='custom' match='exact'><model fallback='forbid'>qemu64</model><numa>
    <cell id='0' cpus='0' memory='65536' unit='KiB'/><cell id='1' cpus='1' memory='65536' unit='KiB'/></numa></cpu>
  <devices>
    <memory model='virtio-mem'><target><size unit='MiB'>64</size><node>0</node><block unit='KiB'>2048</block><requested unit='MiB'>16</requested></target></memory>
    <memory model='dimm'><target><size unit='KiB'>65536</size><node>1</node></target></memory>
  </devices></domain>`;

/** The running virtio-mem device as dumpxml shows it, with `change` made to it (attributes, source, target fields, alias, address). */
function virtioMem(change: { attrs?: string; source?: string; size?: number; node?: number; block?: number; requested?: number; alias?: string | null; slot?: string; model?: string } = {}): string {
  const alias = change.alias === null ? '' : `<alias name='${change.alias ?? 'virtiomem0'}'/>`;
  return `<memory model='${change.model ?? 'virtio-mem'}'${change.attrs ?? ''}>${change.source ?? ''}<target><size unit='KiB'>${change.size ?? 65536}</size>`
    + `<node>${change.node ?? 0}</node><block unit='KiB'>${change.block ?? 2048}</block><requested unit='KiB'>${change.requested ?? 16384}</requested>`
    + `<current unit='KiB'>0</current></target>${alias}<address type='pci' domain='0x0000' bus='0x00' slot='${change.slot ?? '0x03'}' function='0x0'/></memory>`;
}

/** Device files for update-device, each a change libvirt accepts or refuses. */
const FILES: Record<string, string> = {
  same: virtioMem(), req8: virtioMem({ requested: 8192 }), size: virtioMem({ size: 131072 }), block: virtioMem({ block: 4096, requested: 16384 }),
  node: virtioMem({ node: 1 }), node5: virtioMem({ node: 5 }), access: virtioMem({ attrs: " access='shared'" }), discard: virtioMem({ attrs: " discard='yes'" }),
  nodemask: virtioMem({ source: '<source><nodemask>0</nodemask></source>' }), pagesize: virtioMem({ source: "<source><pagesize unit='KiB'>4</pagesize></source>" }),
  pagesizeNodemask: virtioMem({ source: "<source><nodemask>0</nodemask><pagesize unit='KiB'>4</pagesize></source>" }),
  model: virtioMem({ model: 'dimm' }), pmem: virtioMem({ model: 'virtio-pmem' }), otherAlias: virtioMem({ alias: 'virtiomem7' }), noAlias: virtioMem({ alias: null }),
  otherSlot: virtioMem({ slot: '0x05' }), notPow2: virtioMem({ block: 3000 }), notMultiple: virtioMem({ requested: 3000 }), tooBig: virtioMem({ requested: 131072 }),
  sizeAndBlock: virtioMem({ size: 131072, block: 4096 }), accessAndSize: virtioMem({ attrs: " access='private'", size: 131072 }),
  dimm: "<memory model='dimm'><target><size unit='KiB'>65536</size><node>1</node></target><alias name='dimm0'/><address type='dimm' slot='0' base='0x108000000'/></memory>",
  dimm2: "<memory model='dimm'><target><size unit='MiB'>64</size><node>0</node></target></memory>",
  vmem2: "<memory model='virtio-mem'><target><size unit='KiB'>131072</size><node>1</node><block unit='KiB'>2048</block><requested unit='KiB'>0</requested></target></memory>",
  big: "<memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>",
  vmemBad: "<memory model='virtio-mem'><target><size unit='KiB'>131072</size><node>1</node><block unit='KiB'>2048</block><requested unit='KiB'>1000</requested></target></memory>",
  dimmOther: "<memory model='dimm'><target><size unit='KiB'>131072</size><node>1</node></target></memory>",
  persistent: "<memory model='virtio-mem'><target><size unit='KiB'>131072</size><node>0</node><block unit='KiB'>4096</block><requested unit='KiB'>8192</requested></target><address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/></memory>",
};

const umd = (...args: string[]): string[] => ['update-memory-device', NAME, ...args];
const upd = (file: string, ...flags: string[]): string[] => ['update-device', NAME, `DIR/${file}.xml`, ...flags];

/** The memory part of a definition: the sizes and every `<memory>` device. */
const memoryOf = (xml: string): string[] => [
  ...(xml.match(/<(maxMemory|memory|currentMemory) [^>]*>\d+</g) ?? []), ...(xml.match(/<memory model[\s\S]*?<\/memory>/g) ?? []),
];

const qomRequested = JSON.stringify({ execute: 'qom-get', arguments: { path: '/machine/peripheral/virtiomem0', property: 'requested-size' } });

describe.skipIf(oracleSkipped('memdev-oracle'))("memory devices beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  let sides: OracleSides;
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    // Only the reply ids of QEMU's monitor differ (libvirt-N, tsvirt-N).
    sides = { uri: root.uri, theirs: root.dir, ours: root.dir, mask: (t) => t.replace(/"id":"[a-z]+-\d+"/g, '"id":"ID"') };
    writeFileSync(join(root.dir, 'dom.xml'), DOMAIN);
    for (const [name, xml] of Object.entries(FILES)) writeFileSync(join(root.dir, `${name}.xml`), xml);
    // Definitions libvirt refuses for their virtio-mem device (nothing is defined).
    const bad = DOMAIN.replace(`<name>${NAME}</name>`, `<name>${NAME}-bad</name>`);
    writeFileSync(join(root.dir, 'badRequested.xml'), bad.replace("<requested unit='MiB'>16</requested>", "<requested unit='KiB'>3000</requested>"));
    writeFileSync(join(root.dir, 'badNode.xml'), bad.replace('<node>0</node><block', '<node>3</node><block'));
  });
  afterAll(async () => {
    forgetSystemDomain(NAME);
    await root?.cleanup();
  });

  it('update-memory-device and update-device on a stopped domain: the definition changes, --live is refused', async () => {
    const steps: string[][] = [
      ['define', 'DIR/badRequested.xml'], ['define', 'DIR/badNode.xml'], umd('--node', '0'), ['define', 'DIR/dom.xml'],
      umd(), umd('--requested-size', '32M'), umd('--alias', 'virtiomem0', '--requested-size', '32M'), umd('--node', '3'),
      umd('--node', '0', '--requested-size', '32M', '--live'), umd('--node', '0', '--live'), umd('--node', '1', '--live'),
      umd('--node', '0', '--requested-size', '32M', '--print-xml'), umd('--node', '0', '--requested-size', '32M', '--config', '--print-xml'),
      umd('--node', '0', '--requested-size', '3000', '--config'), umd('--node', '0', '--requested-size', '96M'),
      umd('--node', '0', '--requested-size', '32M'), umd('--node', '0', '--print-xml'), umd('--node', '0', '--requested-size', '24M', '--config'),
      umd('--node', '0', '--requested-size', '8192', '--current'), umd('--node', '1', '--requested-size', '2M'), umd('--node', '1', '--config'),
      umd('--node', '0', '--current', '--live'), umd('--node', '0', '--current', '--config'), umd('--node', '0', '--alias', 'x'),
      umd('--node', '0', '--requested-size', '-5'), umd('--node', '0', '--requested-size', 'abc'), umd('--node', 'x'), umd('--alias', ''),
      upd('notPow2', '--config'), upd('persistent', '--live'), upd('persistent'), upd('otherSlot', '--config'),
      umd('--node', '0', '--print-xml'), umd('--node', '0', '--requested-size', '16M', '--config'),
    ];
    const { differ, transcript } = await compareSteps(sides, steps);
    expect(transcript).toContain("<requested unit=\"KiB\">32768</requested>");
    expect(differ).toEqual([]);
    const theirs = memoryOf(systemVirsh(['dumpxml', NAME]).stdout);
    expect(theirs.join('\n')).toContain("<block unit='KiB'>4096</block>");
    expect(memoryOf((await tsvirsh(root.uri, 'dumpxml', NAME)).stdout)).toEqual(theirs);
  }, 300_000);

  it('on a running domain: only virtio-mem\'s requested size changes live, told to QEMU, with libvirt\'s refusals', async () => {
    for (const args of [['undefine', NAME], ['define', 'DIR/dom.xml'], ['start', NAME]]) {
      expect(systemVirsh(args.map((w) => w.replace('DIR', root.dir))).code).toBe(0);
      expect((await tsvirsh(root.uri, ...args.map((w) => w.replace('DIR', root.dir)))).code).toBe(0);
    }
    const steps: string[][] = [
      umd(), umd('--requested-size', '32M'), umd('--alias', 'dimm0'), umd('--alias', 'dimm0', '--requested-size', '2M'), umd('--node', '1'),
      umd('--alias', 'virtiomem0', '--requested-size', '3000'), umd('--alias', 'virtiomem0', '--requested-size', '96M'),
      umd('--alias', 'virtiomem0', '--requested-size', '0'), ['qemu-monitor-command', NAME, qomRequested],
      umd('--alias', 'virtiomem0', '--requested-size', '48M', '--live'), ['qemu-monitor-command', NAME, qomRequested],
      umd('--node', '0', '--requested-size', '8M'), umd('--alias', 'virtiomem0', '--requested-size', '8M', '--print-xml'),
      umd('--node', '0', '--requested-size', '40M', '--config'), umd('--alias', 'virtiomem0', '--config'),
      umd('--node', '0', '--requested-size', '24M', '--live', '--config'), umd('--alias', 'nope'), umd('--node', '0', '--config', '--print-xml'),
      ...['same', 'req8', 'size', 'block', 'node', 'node5', 'access', 'discard', 'nodemask', 'pagesize', 'pagesizeNodemask', 'model', 'pmem',
        'otherAlias', 'noAlias', 'otherSlot', 'notPow2', 'notMultiple', 'tooBig', 'sizeAndBlock', 'accessAndSize', 'dimm'].map((f) => upd(f, '--live')),
      ['qemu-monitor-command', NAME, qomRequested], upd('otherSlot', '--config'), upd('persistent', '--config'), upd('notMultiple', '--config'),
    ];
    const { differ, transcript } = await compareSteps(sides, steps);
    expect(transcript).toContain('"return":50331648');
    expect(differ).toEqual([]);
    for (const flag of [[], ['--inactive']]) {
      const theirs = memoryOf(systemVirsh(['dumpxml', NAME, ...flag]).stdout);
      expect(theirs.join('\n')).toContain('virtio-mem');
      expect(memoryOf((await tsvirsh(root.uri, 'dumpxml', NAME, ...flag)).stdout)).toEqual(theirs);
    }
  }, 300_000);

  it('plugs DIMMs and virtio-mem live and into the definition, and unplugs them as libvirt does (virtio-mem: QEMU refuses)', async () => {
    const dev = (op: string, file: string, ...flags: string[]): string[] => [`${op}-device`, NAME, `DIR/${file}.xml`, ...flags];
    const steps: string[][] = [
      dev('attach', 'dimm2', '--live'), dev('attach', 'vmem2', '--live'), dev('attach', 'big', '--live'), dev('attach', 'vmemBad', '--live'),
      dev('attach', 'dimmOther', '--live'),
      dev('attach', 'dimm2', '--config'), dev('attach', 'vmem2', '--config'), dev('attach', 'big', '--config'), dev('attach', 'dimmOther', '--config'),
      umd('--alias', 'virtiomem1', '--requested-size', '64M'), ['qemu-monitor-command', NAME, qomRequested.replace('virtiomem0', 'virtiomem1')],
      dev('detach', 'vmem2', '--live'), dev('detach', 'vmemBad', '--live'), dev('detach', 'dimmOther', '--live'), dev('detach', 'dimmOther', '--config'), dev('detach', 'vmemBad', '--config'),
      dev('detach', 'vmem2', '--config'), dev('detach', 'dimm2', '--config'), dev('detach', 'dimm2', '--live'),
      // By alias: virtio-mem refused by QEMU, a DIMM's unplug sent (and left to the guest), none in the definition.
      ['detach-device-alias', NAME, 'virtiomem1', '--live'], ['detach-device-alias', NAME, 'dimm0', '--live'], ['detach-device-alias', NAME, 'dimm0', '--config'],
      ['detach-device-alias', NAME, 'nope'],
    ];
    // libvirtd's DEVICE_ADDED names (memdev-events.test.ts checks tsvirt's through the API).
    const events = spawn('virsh', ['-c', 'qemu:///system', 'event', NAME, '--event', 'device-added', '--loop', '--timeout', '120'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let added = '';
    events.stdout.on('data', (b: Buffer) => (added += b.toString()));
    await new Promise((r) => setTimeout(r, 1000));
    const { differ } = await compareSteps(sides, steps).finally(() => events.kill());
    expect(differ).toEqual([]);
    expect(added).toContain(`event 'device-added' for domain '${NAME}': memdimm1\n`);
    expect(added).toContain(`event 'device-added' for domain '${NAME}': memvirtiomem1\n`);
    for (const flag of [[], ['--inactive']]) {
      const theirs = memoryOf(systemVirsh(['dumpxml', NAME, ...flag]).stdout);
      expect(memoryOf((await tsvirsh(root.uri, 'dumpxml', NAME, ...flag)).stdout)).toEqual(theirs);
    }
  }, 300_000);
});
