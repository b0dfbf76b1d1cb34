// detach-device-alias --config of every device kind beside libvirt's own QEMU driver (Debian's
// libvirtd 9.0, qemu:///system): one definition with a user alias (`ua-…`) on a device of each
// kind, each alias detached through virsh and through tsvirsh on qemu:///embed (success or
// libvirt's refusal, byte for byte), then both inactive `<devices>` compared (a controller another
// device still needs comes back without its alias on both sides). Live, a running guest (TCG, no
// guest OS) with a user alias on a device of each kind libvirt never unplugs, and on ISA serial and
// parallel ports (QEMU's refusal passed on): each refused in libvirt's words, alone and beside
// --config (the definition left as it was on both sides).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';
import { domainDevices } from './oracle-sides.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-dalias-${process.pid}`;
const LIVE = `tsvirt-dalive-${process.pid}`;
let root: TestRoot;

const DEVICES = [
  "<controller type='virtio-serial' index='0'><alias name='ua-vser'/></controller>",
  "<controller type='scsi' index='0' model='virtio-scsi'><alias name='ua-scsi'/></controller>",
  "<serial type='pty'><target port='0'/><alias name='ua-serial'/></serial>",
  "<channel type='unix'><target type='virtio' name='org.example.x'/><alias name='ua-chan'/></channel>",
  "<input type='tablet' bus='usb'><alias name='ua-tablet'/></input>",
  "<watchdog model='i6300esb' action='reset'><alias name='ua-wd'/></watchdog>",
  "<rng model='virtio'><backend model='random'>/dev/urandom</backend><alias name='ua-rng'/></rng>",
  "<vsock model='virtio'><cid auto='yes'/><alias name='ua-vsock'/></vsock>",
  "<shmem name='sh1'><model type='ivshmem-plain'/><size unit='M'>4</size><alias name='ua-shmem'/></shmem>",
  "<redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='4000'/><alias name='ua-redir'/></redirdev>",
  "<memory model='dimm'><target><size unit='MiB'>128</size><node>0</node></target><alias name='ua-dimm'/></memory>",
  "<video><model type='vga'/><alias name='ua-video'/></video>",
  "<memballoon model='virtio'><alias name='ua-balloon'/></memballoon>",
];
const REFUSED_LIVE = [
  "<controller type='virtio-serial' index='0'><alias name='ua-vser'/></controller>",
  "<controller type='usb' index='0' model='piix3-uhci'><alias name='ua-usb'/></controller>",
  "<sound model='ich6'><alias name='ua-sound'/></sound>",
  "<video><model type='vga'/><alias name='ua-video'/></video>",
  "<memballoon model='virtio'><alias name='ua-balloon'/></memballoon>",
  "<serial type='pty'><target port='0'/><alias name='ua-serial'/></serial>",
  "<serial type='pty'><target port='1'/><alias name='ua-serial1'/></serial>",
  "<parallel type='pty'><target port='0'/><alias name='ua-par'/></parallel>",
];
const aliasesOf = (devs: string[]): string[] => devs.map((d) => /alias name='([^']+)'/.exec(d)![1]!);
const ALIASES = aliasesOf(DEVICES);

describe.skipIf(oracleSkipped('detach-alias-config-oracle'))("detach-device-alias --config and --live beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  let sides: OracleSides;
  beforeAll(() => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = { uri: root.uri, theirs: root.dir, ours: root.dir, mask: (t) => t };
    writeFileSync(join(root.dir, 'dom.xml'), `<domain type='qemu'><name>${NAME}</name><maxMemory slots='2' unit='KiB'>524288</maxMemory>
    <memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>
    <cpu><numa><cell id='0' cpus='0' memory='131072' unit='KiB'/></numa></cpu><devices>${DEVICES.join('')}</devices></domain>`);
    writeFileSync(join(root.dir, 'live.xml'), `<domain type='qemu'><name>${LIVE}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
    <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${REFUSED_LIVE.join('')}</devices></domain>`);
  });
  afterAll(async () => {
    forgetSystemDomain(NAME);
    forgetSystemDomain(LIVE);
    await root?.cleanup();
  });

  it('removes each kind libvirt removes, refuses the others by name, and leaves the same definition', async () => {
    const steps: string[][] = [
      ['define', `${root.dir}/dom.xml`],
      ...[...ALIASES, 'ua-none'].map((a) => ['detach-device-alias', NAME, a, '--config']),
      ['detach-device-alias', NAME, 'ua-video', '--live'], ['detach-device-alias', NAME, 'ua-video', '--current'],
    ];
    const { differ, transcript } = await compareSteps(sides, steps);
    expect(transcript.match(/Device detach request sent successfully/g)).toHaveLength(11);
    expect(differ).toEqual([]);
    const theirs = domainDevices(systemVirsh(['dumpxml', '--inactive', NAME]).stdout);
    expect(theirs).toContain("<alias name='ua-video'/>");
    expect(domainDevices((await tsvirsh(root.uri, 'dumpxml', '--inactive', NAME)).stdout)).toBe(theirs);
  }, 300_000);

  it("refuses live each kind libvirt never unplugs in libvirt's words, and beside --config changes nothing", async () => {
    const refused = aliasesOf(REFUSED_LIVE);
    const steps: string[][] = [
      ['define', `${root.dir}/live.xml`], ['start', LIVE],
      ...[...refused, 'ua-none'].map((a) => ['detach-device-alias', LIVE, a, '--live']),
      ...refused.map((a) => ['detach-device-alias', LIVE, a]),
      ...refused.map((a) => ['detach-device-alias', LIVE, a, '--live', '--config']),
    ];
    const { differ } = await compareSteps(sides, steps);
    expect(differ).toEqual([]);
    const inactive = domainDevices(systemVirsh(['dumpxml', '--inactive', LIVE]).stdout);
    for (const a of refused) expect(inactive).toContain(`<alias name='${a}'/>`);
    expect(domainDevices((await tsvirsh(root.uri, 'dumpxml', '--inactive', LIVE)).stdout)).toBe(inactive);
  }, 300_000);
});
