// emulatorpin beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system): the same
// steps through virsh and through tsvirsh on qemu:///embed, compared byte for byte; then the
// `<cputune>` of both definitions and the CPU affinity of each side's QEMU.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-epin-${process.pid}`;
let root: TestRoot;

const pin = (...args: string[]): string[] => ['emulatorpin', NAME, ...args];
const cputune = (xml: string): string => /<cputune>[\s\S]*?<\/cputune>/.exec(xml)?.[0] ?? '';

/** Each thread's allowed CPUs, main thread first. */
function affinity(pid: number): string[] {
  const of = (tid: string): string => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))![1]!;
  return [of(String(pid)), ...readdirSync(`/proc/${pid}/task`).filter((t) => t !== String(pid)).map(of)];
}

const ourPid = async (): Promise<number> => {
  const xml = (await tsvirsh(root.uri, 'dominfo', NAME)).stdout;
  expect(xml).toContain('running');
  const out = execFileSync('pgrep', ['-f', `guest=${NAME},`], { encoding: 'utf8' }).trim().split('\n').map(Number);
  const theirs = theirPid();
  return out.find((p) => p !== theirs)!;
};
const theirPid = (): number => Number(readFileSync(`/run/libvirt/qemu/${NAME}.pid`, 'utf8'));

describe.skipIf(oracleSkipped('emulator-pin-oracle'))("emulatorpin beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  let sides: OracleSides;
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = { uri: root.uri, theirs: root.dir, ours: root.dir, mask: (t) => t };
    writeFileSync(join(root.dir, 'dom.xml'), `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
    <os><type arch='x86_64' machine='pc'>hvm</type></os><devices></devices></domain>`);
  });
  afterAll(async () => {
    systemVirsh(['destroy', NAME]);
    systemVirsh(['undefine', NAME]);
    await root?.cleanup();
  });

  it('answers, pins and refuses as libvirtd does, stopped and running, and pins the same threads', async () => {
    const steps: string[][] = [
      pin(), ['define', `${root.dir}/dom.xml`],
      pin(), pin('--live'), pin('--config'), pin('--current'), pin('0', '--live'), pin('1', '--config'), pin('--config'), pin(),
      pin('0'), pin('--current'), pin('x'), pin(''), pin('3'), pin('0', '--config', '--current'), pin('0', '--live', '--current'),
      pin('1', '--config'), ['start', NAME],
      pin(), pin('--live'), pin('--config'), pin('0'), pin(), pin('--config'), pin('0-1', '--live'), pin('--live'),
      pin('1', '--live', '--config'), pin(), pin('--config'), pin('0', '--config'), pin('--config'), pin('--current'),
    ];
    const { differ, transcript } = await compareSteps(sides, steps);
    expect(transcript).toContain('       *: 0-1');
    expect(differ).toEqual([]);
    for (const flag of [[], ['--inactive']]) {
      const theirs = cputune(systemVirsh(['dumpxml', NAME, ...flag]).stdout);
      expect(theirs).toContain('emulatorpin');
      expect(cputune((await tsvirsh(root.uri, 'dumpxml', NAME, ...flag)).stdout)).toBe(theirs);
    }
    // A live pin moves QEMU's main thread, as libvirt's does.
    expect(affinity(await ourPid())[0]).toBe(affinity(theirPid())[0]);
    expect(affinity(await ourPid())[0]).toBe('1');
  }, 300_000);

  it('a start pins every thread of QEMU to the definition\'s emulatorpin before the guest runs', async () => {
    for (const args of [['destroy', NAME], ['start', NAME]]) {
      expect(systemVirsh(args).code).toBe(0);
      expect((await tsvirsh(root.uri, ...args)).code).toBe(0);
    }
    expect(new Set(affinity(await ourPid()))).toEqual(new Set(['0']));
    expect(affinity(await ourPid())[0]).toBe(affinity(theirPid())[0]);
  }, 120_000);
});
