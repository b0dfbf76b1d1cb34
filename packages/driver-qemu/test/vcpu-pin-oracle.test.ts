// vcpupin setting pins beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system):
// the same steps through virsh and through tsvirsh on qemu:///embed, compared byte for byte (the
// older virDomainPinVcpu when no flag is given, as virsh calls it); then `<cputune>` of both
// definitions and each online vCPU thread's affinity (vcpuinfo, its varying lines masked).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-vpin-${process.pid}`;
let root: TestRoot;

const pin = (...args: string[]): string[] => ['vcpupin', NAME, ...args];
const cputune = (xml: string): string => /<cputune>[\s\S]*?<\/cputune>/.exec(xml)?.[0] ?? '';
/** vcpuinfo's lines that vary from run to run: the CPU a thread last ran on and its CPU time. */
const unstable = (text: string): string => text.replace(/^(CPU|CPU time):.*\n/gm, '');

describe.skipIf(oracleSkipped('vcpu-pin-oracle'))("vcpupin beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  let sides: OracleSides;
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = { uri: root.uri, theirs: root.dir, ours: root.dir, mask: unstable };
    writeFileSync(join(root.dir, 'dom.xml'), `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory>
    <vcpu current='2'>3</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices></devices></domain>`);
  });
  afterAll(async () => {
    forgetSystemDomain(NAME);
    await root?.cleanup();
  });

  it('pins and refuses as libvirtd does, stopped and running, offline vCPUs included', async () => {
    const steps: string[][] = [
      pin('0', '1'), ['define', `${root.dir}/dom.xml`],
      pin('0', '1', '--live'), pin('0', '1'), pin('0', '1', '--current'), pin('3', '0', '--config'), pin('2', '0', '--config'),
      pin('0', '0-1,^0-1', '--config'), pin('0', '5', '--config'), pin('0', 'x'), pin('1', '0', '--config', '--current'),
      pin('1', '0-1', '--config'), pin('--config'), pin(), pin('--live', '--config'), pin('0', '1', '--current', '--live'), ['start', NAME],
      pin(), pin('0', '0'), pin('1', '1', '--live'), pin('2', '0', '--live'), pin('3', '1', '--live'), pin('3', '1', '--live', '--config'),
      pin('1', '0', '--live', '--config'), pin('0', '0-1', '--current'), pin('0', '1', '--config'), pin(), pin('--live'), pin('--config'),
      ['vcpuinfo', NAME], ['setvcpus', NAME, '3', '--live'], ['vcpuinfo', NAME],
    ];
    const { differ, transcript } = await compareSteps(sides, steps);
    expect(transcript).toContain(' 2      0\n');
    expect(differ).toEqual([]);
    for (const flag of [[], ['--inactive']]) {
      const theirs = cputune(systemVirsh(['dumpxml', NAME, ...flag]).stdout);
      expect(theirs).toContain('vcpupin');
      expect(cputune((await tsvirsh(root.uri, 'dumpxml', NAME, ...flag)).stdout)).toBe(theirs);
    }
  }, 300_000);

  it('a start pins the vCPU threads to the pins the definition keeps', async () => {
    for (const args of [['destroy', NAME], ['start', NAME]]) {
      expect(systemVirsh(args).code).toBe(0);
      expect((await tsvirsh(root.uri, ...args)).code).toBe(0);
    }
    const { differ } = await compareSteps(sides, [['vcpuinfo', NAME], pin()]);
    expect(differ).toEqual([]);
  }, 120_000);
});
