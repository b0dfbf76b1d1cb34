// blkdeviotune beside libvirt's own QEMU driver (Debian's libvirtd 9.0 with QEMU 7.2, qemu:///system):
// the same steps through virsh and through tsvirsh on qemu:///embed, each side on its own images
// (directories of one length), compared byte for byte once each side's directory reads DIR; then
// the `<iotune>` of the live and the persistent definitions.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-iot-${process.pid}`;
let root: TestRoot;

/** Two disks in `dir` (vda with a limit to apply at start, sda without) and the domain's XML over them. */
function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  for (const f of ['a', 'b']) execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, `${f}.qcow2`), '16M']);
  writeFileSync(join(dir, 'dom.xml'), `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
  <controller type='scsi' index='0' model='virtio-scsi'/>
  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${join(dir, 'a.qcow2')}'/><target dev='vda' bus='virtio'/>
  <iotune><total_bytes_sec>1000</total_bytes_sec><read_iops_sec>40</read_iops_sec><read_iops_sec_max>80</read_iops_sec_max><read_iops_sec_max_length>3</read_iops_sec_max_length></iotune></disk>
  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${join(dir, 'b.qcow2')}'/><target dev='sda' bus='scsi'/></disk>
  </devices></domain>`);
  execFileSync('chmod', ['-R', 'a+rwX', dir]);
}

const io = (...args: string[]): string[] => ['blkdeviotune', NAME, ...args];

/** Every `<iotune>` of a definition, in disk order. */
const iotunes = (xml: string): string[] => xml.match(/<iotune>[\s\S]*?<\/iotune>/g) ?? [];

describe.skipIf(oracleSkipped('block-iotune-oracle'))("blkdeviotune beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  let sides: OracleSides;
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = { uri: root.uri, theirs: join(root.dir, 'lv'), ours: join(root.dir, 'ts'), mask: (t, dir) => t.replaceAll(dir, 'DIR') };
    prepare(sides.theirs);
    prepare(sides.ours);
  });
  afterAll(async () => {
    systemVirsh(['destroy', NAME]);
    systemVirsh(['undefine', NAME]);
    await root?.cleanup();
  });

  it('answers, sets and refuses as libvirtd does on a stopped domain, at start, and on a running one', async () => {
    const steps: string[][] = [
      io('vda'), ['define', 'DIR/dom.xml'],
      // stopped: the definition only; --live refused
      io('vda'), io('vda', '--config'), io('vda', '--current'), io('vda', '--live'), io('vdz'), io('DIR/b.qcow2'),
      io('vda', '--live', '--total-iops-sec', '1'), io('vdz', '--total-bytes-sec', '1'), io('vdz', '--config', '--total-bytes-sec', '1'),
      io('vda', '--total-bytes-sec', '100', '--read-bytes-sec', '5'), io('vda', '--total-iops-sec', '1', '--write-iops-sec', '5'),
      io('sda', '--config', '--write-bytes-sec', '700', '--size-iops-sec', '9'), io('sda', '--config'),
      io('sda', '--current', '--write-bytes-sec', '0', '--total-bytes-sec', '800'), io('sda'),
      // the persistent definition takes a burst without its limit: libvirt checks only a running disk
      io('sda', '--total-iops-sec-max', '5'), io('sda'), io('sda', '--total-iops-sec-max', '0'),
      io('vda', '--read-bytes-sec', '2000000000000000'), io('vda', '--config', '--live', '--size-iops-sec', '1'),
      // the start sets the definition's limits in QEMU, whose refusal (an iops size without an iops limit) stops it
      ['start', NAME], io('sda', '--config', '--size-iops-sec', '0'), ['start', NAME], io('vda'), io('vda', '--live'), io('vda', '--config'), io('sda'), io('DIR/b.qcow2'), io('vdz'), io('vdz', '--config'),
      // every option, live
      io('vda', '--read-bytes-sec', '500'), io('vda'), io('vda', '--write-bytes-sec', '600', '--total-iops-sec', '50'), io('vda'),
      io('vda', '--read-iops-sec', '7', '--write-iops-sec', '8'), io('vda'),
      io('vda', '--read-bytes-sec-max', '900', '--write-bytes-sec-max', '1200', '--read-iops-sec-max', '70', '--write-iops-sec-max', '80'), io('vda'),
      io('vda', '--read-bytes-sec-max-length', '4', '--write-bytes-sec-max-length', '5', '--read-iops-sec-max-length', '6', '--write-iops-sec-max-length', '7'), io('vda'),
      io('vda', '--size-iops-sec', '4096'), io('vda'),
      io('vda', '--total-bytes-sec', '3000', '--total-bytes-sec-max', '6000', '--total-bytes-sec-max-length', '2'), io('vda'),
      io('vda', '--total-iops-sec', '30', '--total-iops-sec-max', '60', '--total-iops-sec-max-length', '3'), io('vda'),
      io('vda', '--total-iops-sec-max-length', '0'), io('vda'),
      // refusals, live
      io('vda', '--total-bytes-sec', '100', '--read-bytes-sec', '5'), io('vda', '--total-bytes-sec-max', '10', '--write-bytes-sec-max', '5'),
      io('vda', '--total-iops-sec-max', '10', '--read-iops-sec-max', '5'), io('vda', '--total-bytes-sec-max', '10'),
      io('vda', '--total-iops-sec', '0'), io('vda', '--read-iops-sec-max', '1', '--read-iops-sec', '2'),
      io('vda', '--write-iops-sec', '1', '--write-iops-sec-max-length', '9'), io('vda', '--size-iops-sec', '1000000000000001'),
      io('sda', '--total-bytes-sec-max-length', '5'), io('vdz', '--total-bytes-sec', '1'), io('sda', '--group-name', 'g0'),
      io('vda', '--total-bytes-sec', '1', '--total-bytes-sec-max', '1K'), io('vda'),
      // groups: a disk joining takes the group's limits; one leaving with all zero is unthrottled
      io('vda', '--total-bytes-sec', '0', '--total-bytes-sec-max', '0', '--group-name', 'g1'), io('vda'), io('sda', '--group-name', 'g1'), io('sda'),
      io('sda', '--live', '--config', '--group-name', 'g1', '--read-iops-sec', '11'), io('sda'), io('sda', '--config'),
      io('vda', '--config', '--group-name', 'g1', '--read-bytes-sec', '12'), io('vda', '--config'),
      io('sda', '--read-iops-sec', '0', '--group-name', ''), io('sda'),
      io('vda', '--read-bytes-sec', '0', '--write-bytes-sec', '0', '--total-iops-sec', '0', '--read-iops-sec', '0', '--write-iops-sec', '0',
        '--read-bytes-sec-max', '0', '--write-bytes-sec-max', '0', '--read-iops-sec-max', '0', '--write-iops-sec-max', '0', '--total-iops-sec-max', '0',
        '--size-iops-sec', '0'), io('vda'),
    ];
    const { differ, transcript } = await compareSteps(sides, steps);
    expect(transcript).toContain("Domain '" + NAME + "' started");
    expect(transcript).toContain('group_name     : /machine/peripheral/virtio-disk0/virtio-backend');
    expect(differ).toEqual([]);
    for (const flag of [[], ['--inactive']]) {
      const theirs = systemVirsh(['dumpxml', NAME, ...flag]).stdout;
      const ours = (await tsvirsh(root.uri, 'dumpxml', NAME, ...flag)).stdout;
      expect(iotunes(theirs).length).toBeGreaterThan(0);
      expect(iotunes(ours)).toEqual(iotunes(theirs));
    }
  }, 600_000);
});
