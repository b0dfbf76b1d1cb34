// setvcpu beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system): every flag
// combination and refusal through virsh and through tsvirsh on qemu:///embed, stopped and running
// (TCG, pc and q35 with -smp N,maxcpus=M), compared byte for byte; then each side's <vcpus>, vcpucount,
// vcpuinfo, QEMU's vCPU slots and -smp. The define-time rules of <vcpus> are compared the same way.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-setvcpu-${process.pid}`;
const HOT = `${NAME}-hot`;
let root: TestRoot;
let sides: OracleSides;

const sv = (...args: string[]): string[] => ['setvcpu', NAME, ...args];
const looks = (name: string): string[][] => [['vcpucount', name], ['vcpuinfo', name]];

/** A guest without an OS; `vcpus` goes after `<vcpu>`. */
const domainXml = (name: string, vcpu: string, vcpus = '', machine = 'pc', extra = ''): string =>
  `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>${vcpu}${vcpus}
  <os><type arch='x86_64' machine='${machine}'>hvm</type></os>${extra}<devices><memballoon model='none'/></devices></domain>`;

/** `<vcpu>` and `<vcpus>` of a definition as printed. */
const vcpuSection = (xml: string): string => /<vcpu [^>]*>\d+<\/vcpu>(\s*<vcpus>[\s\S]*?<\/vcpus>)?/.exec(xml)?.[0] ?? '';

/**
 * The host CPU a thread last ran on and its time differ between any two runs; whether a vCPU plugged
 * before the firmware ran has used a clock tick yet (virsh leaves out a zero time) does too.
 */
const mask = (text: string): string => text.replace(/^(CPU:\s+)\d+$/gm, '$1N').replace(/^CPU time:\s+[\d.]+s\n/gm, '');

/** The `-smp` QEMU was given, from each side's log. */
const smpOf = (log: string): string => [...readFileSync(log, 'utf8').matchAll(/-smp (\S+)/g)].at(-1)?.[1] ?? '';

/** QEMU's vCPU slots as each side's monitor lists them: which are plugged, by which device. */
async function slots(name: string): Promise<{ ours: unknown; theirs: unknown }> {
  const cmd = ['qemu-monitor-command', name, '{"execute":"query-hotpluggable-cpus"}'];
  const of = (out: string): unknown => (JSON.parse(out) as { return: unknown }).return;
  return { theirs: of(systemVirsh(cmd).stdout), ours: of((await tsvirsh(root.uri, ...cmd)).stdout) };
}

/**
 * libvirtd keeps a vCPU a new maximum adds without `hotpluggable` in memory until it reads the
 * definition again (its next start); tsvirt reads it again for every call, and gets libvirt's default.
 */
const readAgain = (xml: string): string => xml.replace(/(<vcpu id='\d+' enabled='no')\/>/g, "$1 hotpluggable='yes'/>");

async function expectSameDefinitions(name: string): Promise<void> {
  for (const flag of [[], ['--inactive']]) {
    const theirs = readAgain(vcpuSection(systemVirsh(['dumpxml', name, ...flag]).stdout));
    expect(theirs).not.toBe('');
    expect(vcpuSection((await tsvirsh(root.uri, 'dumpxml', name, ...flag)).stdout)).toBe(theirs);
  }
}

async function expectSteps(steps: string[][]): Promise<string> {
  const { differ, transcript } = await compareSteps(sides, steps);
  expect(differ).toEqual([]);
  return transcript;
}

describe.skipIf(oracleSkipped('setvcpu-oracle'))("setvcpu beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = { uri: root.uri, theirs: root.dir, ours: root.dir, mask };
    writeFileSync(join(root.dir, 'plain.xml'), domainXml(NAME, "<vcpu current='3'>4</vcpu>"));
    writeFileSync(join(root.dir, 'hot.xml'), domainXml(HOT, "<vcpu current='3'>6</vcpu>", `<vcpus>
      <vcpu id='0' enabled='yes' hotpluggable='no' order='1'/><vcpu id='1' enabled='no' hotpluggable='yes'/>
      <vcpu id='2' enabled='no' hotpluggable='yes'/><vcpu id='3' enabled='no' hotpluggable='yes'/>
      <vcpu id='4' enabled='yes' hotpluggable='yes' order='3'/><vcpu id='5' enabled='yes' hotpluggable='yes' order='2'/></vcpus>`,
    'q35', "<features><acpi/></features><cpu><topology sockets='3' dies='1' cores='2' threads='1'/></cpu>"));
  });
  afterAll(async () => {
    for (const name of [NAME, HOT]) forgetSystemDomain(name);
    await root?.cleanup();
  });

  it('changes and refuses as libvirtd does on a stopped domain: every flag, list and rule of the persistent definition', async () => {
    await expectSteps([
      ['define', 'DIR/plain.xml'],
      sv('1'), sv('1', '--enable', '--disable'), sv('1', '--enable', '--live', '--current'), sv('1', '--enable', '--config', '--current'),
      sv('', '--enable'), sv('x', '--enable'), sv('1-', '--enable'), sv('^1', '--enable'), sv('5000', '--enable'), sv('4096', '--enable'),
      sv('4', '--enable'), sv('1', '--enable', '--live'), sv('1', '--disable', '--live', '--config'),
      sv('1', '--disable', '--config'), sv('0', '--disable'), sv('0', '--enable', '--config'), sv('0-1', '--disable'),
      sv('2', '--disable', '--config'), sv('1', '--disable'), ...looks(NAME),
      sv('1-3', '--enable', '--current'), sv('2,3', '--disable', '--config'), sv('1', '--enable'), sv('3', '--enable'), ...looks(NAME),
    ]);
    await expectSameDefinitions(NAME);
  }, 300_000);

  it('plugs vCPUs into the running guest and refuses as libvirtd does: live, config, both, current', async () => {
    const transcript = await expectSteps([
      ['start', NAME], ...looks(NAME),
      sv('1', '--enable'), sv('2', '--enable'), sv('2', '--enable'), sv('2-3', '--enable', '--live'), sv('1-2', '--enable'),
      sv('0', '--disable', '--live'), sv('0', '--disable', '--config'), sv('0', '--disable', '--live', '--config'),
      sv('4', '--enable'), sv('4', '--enable', '--config'), sv('7', '--enable', '--live', '--config'),
      sv('3', '--disable', '--live'), sv('2', '--disable', '--config'), sv('2', '--enable', '--live', '--config'),
      sv('1', '--enable', '--live', '--config'), sv('1', '--disable', '--config'), ...looks(NAME),
    ]);
    expect(transcript).toContain('VCPU:           2');
    await expectSameDefinitions(NAME);
    const s = await slots(NAME);
    expect(s.ours).toEqual(s.theirs);
  }, 300_000);

  it('starts again from the changed definition: QEMU starts its own vCPUs, the hotpluggable ones are plugged', async () => {
    await expectSteps([['setvcpu', NAME, '1', '--enable', '--config'], ['destroy', NAME], ['start', NAME], ...looks(NAME)]);
    await expectSameDefinitions(NAME);
    const s = await slots(NAME);
    expect(s.ours).toEqual(s.theirs);
    expect(smpOf(join(root.dir, 'log', 'qemu', `${NAME}.log`))).toBe(smpOf(`/var/log/libvirt/qemu/${NAME}.log`));
  }, 300_000);

  it('starts a <vcpus> definition with orders and a topology (q35, ACPI) as libvirtd does, and unplugs as QEMU lets it', async () => {
    await expectSteps([
      ['define', 'DIR/hot.xml'], ['start', HOT], ...looks(HOT),
      ['setvcpu', HOT, '4', '--disable'], ['setvcpu', HOT, '5', '--disable', '--live', '--config'],
      ['setvcpu', HOT, '2', '--enable'], ['setvcpu', HOT, '3', '--enable', '--config'], ...looks(HOT),
    ]);
    await expectSameDefinitions(HOT);
    const s = await slots(HOT);
    expect(s.ours).toEqual(s.theirs);
    expect(smpOf(join(root.dir, 'log', 'qemu', `${HOT}.log`))).toBe('1,maxcpus=6,sockets=3,dies=1,cores=2,threads=1');
    expect(smpOf(`/var/log/libvirt/qemu/${HOT}.log`)).toBe('1,maxcpus=6,sockets=3,dies=1,cores=2,threads=1');
  }, 300_000);

  it('setvcpus keeps vCPUs listed one by one as libvirtd does: plugged live, counted and resized in the definition', async () => {
    await expectSteps([
      ['setvcpus', HOT, '5', '--live'], ['setvcpus', HOT, '2', '--config'], ['setvcpus', HOT, '5', '--config'], ...looks(HOT),
    ]);
    await expectSameDefinitions(HOT);
    const s = await slots(HOT);
    expect(s.ours).toEqual(s.theirs);
    // A new maximum: refused against a topology; vCPUs past it go and new ones come offline.
    await expectSteps([['setvcpus', HOT, '4', '--maximum', '--config'], ['setvcpus', NAME, '3', '--maximum', '--config'], ['vcpucount', NAME],
      ['setvcpus', NAME, '5', '--maximum', '--config'], ['vcpucount', NAME]]);
    await expectSameDefinitions(NAME);
  }, 300_000);

  it('pins vCPU threads to their <vcpupin> or <vcpu cpuset> at start and when plugged, as libvirtd does', async () => {
    const name = `${NAME}-pin`;
    writeFileSync(join(root.dir, 'pin.xml'), domainXml(name, "<vcpu current='1' cpuset='1'>3</vcpu>", '', 'pc',
      "<cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='2' cpuset='0'/></cputune>"));
    const pin = (...args: string[]): string[] => ['vcpupin', name, ...args];
    try {
      const transcript = await expectSteps([
        ['define', 'DIR/pin.xml'], pin(), pin('--config'), pin('--live'), ['start', name], ['vcpuinfo', name], pin(), pin('--live'),
        ['setvcpu', name, '2', '--enable'], ['vcpuinfo', name], ['setvcpu', name, '1', '--enable'], ['vcpuinfo', name], pin('--config'),
      ]);
      expect(transcript).toContain('CPU Affinity:   y-');
      expect(transcript).toContain('CPU Affinity:   -y');
    } finally {
      forgetSystemDomain(name);
    }
  }, 300_000);

  it('refuses live changes on a machine without vCPU hotplug (microvm), and a start that would need one', async () => {
    const name = `${NAME}-micro`;
    const devices = "<controller type='usb' model='none'/><memballoon model='none'/>";
    const micro = (n: string, vcpu: string, vcpus = ''): string => domainXml(n, vcpu, vcpus, 'microvm').replace("<memballoon model='none'/>", devices);
    writeFileSync(join(root.dir, 'micro.xml'), micro(name, "<vcpu current='1'>2</vcpu>"));
    writeFileSync(join(root.dir, 'micro-hot.xml'), micro(`${name}-hot`, '<vcpu>2</vcpu>', "<vcpus><vcpu id='0' enabled='yes'/><vcpu id='1' enabled='yes' hotpluggable='yes'/></vcpus>"));
    try {
      await expectSteps([
        ['define', 'DIR/micro.xml'], ['start', name], ['setvcpu', name, '1', '--enable'], ['setvcpu', name, '1', '--enable', '--live', '--config'],
        ['setvcpu', name, '1', '--enable', '--config'], ...looks(name), ['destroy', name], ['undefine', name],
        ['define', 'DIR/micro-hot.xml'], ['start', `${name}-hot`], ['undefine', `${name}-hot`],
      ]);
    } finally {
      for (const n of [name, `${name}-hot`]) forgetSystemDomain(n);
    }
  }, 300_000);

  it("refuses <vcpus> definitions and starts libvirt's QEMU driver refuses, in its words", async () => {
    const bad = [
      "<vcpu id='0' enabled='no'/>", "<vcpu id='0' enabled='yes' hotpluggable='yes'/>", "<vcpu id='0' enabled='yes' order='2'/>",
      "<vcpu id='0' enabled='yes' order='1'/><vcpu id='1' enabled='yes' hotpluggable='yes'/>", "<vcpu id='3' enabled='yes'/>",
      "<vcpu id='1'/>", "<vcpu enabled='yes'/>", "<vcpu id='1' enabled='no' hotpluggable='no'/>",
      "<vcpu id='0' enabled='yes'/><vcpu id='1' enabled='no' hotpluggable='no'/>", "<vcpu id='1' enabled='maybe'/>",
      "<vcpu id='0' enabled='yes'/><vcpu id='1' enabled='yes' hotpluggable='yes'/><vcpu id='2' enabled='yes' hotpluggable='no'/>",
      "<vcpu id='0' enabled='yes' order='1'/><vcpu id='1' enabled='yes' hotpluggable='no' order='3'/><vcpu id='2' enabled='yes' hotpluggable='no' order='2'/>",
      "<vcpu id='x' enabled='yes'/>",
    ];
    const name = `${NAME}-bad`;
    bad.forEach((v, i) => writeFileSync(join(root.dir, `bad-${i}.xml`), domainXml(name, '<vcpu>3</vcpu>', `<vcpus>${v}</vcpus>`)));
    // Defined, but QEMU would have to start vCPU 2 itself after a hotpluggable vCPU 1: refused at start.
    writeFileSync(join(root.dir, 'late.xml'), domainXml(name, "<vcpu current='2'>3</vcpu>", "<vcpus><vcpu id='0' enabled='yes'/><vcpu id='2' enabled='yes'/></vcpus>"));
    await expectSteps([...bad.map((_, i) => ['define', `DIR/bad-${i}.xml`]), ['define', 'DIR/late.xml'], ['start', name], ['undefine', name]]);
    // Both sides refused for the reason meant, not for one they share.
    expect((await tsvirsh(root.uri, 'define', join(root.dir, 'bad-0.xml'))).stderr).toContain("vcpu 0 can't be offline");
    expect((await tsvirsh(root.uri, 'define', join(root.dir, 'late.xml'))).code).toBe(0);
    expect((await tsvirsh(root.uri, 'start', name)).stderr).toContain('online non-hotpluggable vcpus need to be ordered prior to hotplugable vcpus');
  }, 300_000);
});
