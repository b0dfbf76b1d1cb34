// Displays rendering with OpenGL that name no DRM render node (egl-headless, SPICE with <gl>) get
// the host's, as libvirt picks it; on a host without one (this machine has no /dev/dri) a start
// and domxml-to-native fail in libvirtd 9.0's words (qemu:///system) and leave no domain behind.
// The command line with a render node is compared with libvirt's own test data (conformance).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, type OracleSides } from './oracle-steps.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-render-${process.pid}`;
let root: TestRoot;
let sides: OracleSides;

const domain = (graphics: string): string => `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${graphics}<video><model type='cirrus'/></video><memballoon model='none'/></devices></domain>`;

function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'egl.xml'), domain("<graphics type='egl-headless'/>"));
  writeFileSync(join(dir, 'spice-gl.xml'), domain("<graphics type='spice' autoport='no'><gl enable='yes'/></graphics>"));
}

describe.skipIf(oracleSkipped('render-node-oracle') || existsSync('/dev/dri'))("displays with OpenGL on a host without render nodes, beside libvirtd 9.0", () => {
  beforeAll(() => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = { uri: root.uri, theirs: join(root.dir, 'lv'), ours: join(root.dir, 'ts'), mask: (text, dir) => text.replaceAll(dir, 'DIR') };
    prepare(sides.theirs);
    prepare(sides.ours);
  }, 120_000);
  afterAll(async () => {
    forgetSystemDomain(NAME);
    await root?.cleanup();
  });

  it.each(['egl', 'spice-gl'])('%s: create and domxml-to-native are refused alike, and nothing is left', async (name) => {
    const { differ } = await compareSteps(sides, [
      ['create', `DIR/${name}.xml`], ['domxml-to-native', 'qemu-argv', `DIR/${name}.xml`], ['domstate', NAME],
    ]);
    expect(differ).toEqual([]);
  }, 120_000);
});
