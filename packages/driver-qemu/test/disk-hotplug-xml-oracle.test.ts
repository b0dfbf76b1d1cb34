// The XML of disks attached to a running domain and to its definition, beside libvirt's own QEMU
// driver (Debian's libvirtd 9.0, qemu:///system): file, block, CD-ROM, qcow2 and raw disks on
// virtio, SCSI and USB, plugged through attach-disk and attach-device, each side on its own
// images; the live and inactive `<disk>` elements (device, driver, index, alias, address) and the
// refusals, compared once each side's directory is written as DIR.
import { execFileSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, prepareSides, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const PC = `tsvirt-hotxml-pc-${process.pid}`;
const Q35 = `tsvirt-hotxml-q35-${process.pid}`;
const NOSCSI = `tsvirt-hotxml-noscsi-${process.pid}`;
let root: TestRoot;
let sides: OracleSides;

/** A running domain's definition: one virtio disk, and on the PC a virtio-scsi controller. */
const domainXml = (dir: string, name: string, machine: string, extra: string): string => `<domain type='qemu'><name>${name}</name>
  <memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='${machine}'>hvm</type></os><features><acpi/></features><devices>
  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${join(dir, `${machine}.img`)}'/><target dev='vda' bus='virtio'/></disk>
  ${extra}<memballoon model='none'/></devices></domain>`;

/** The images (raw files, a qcow2, an ISO stand-in), the domains' XML and the devices attach-device plugs, in `dir`. */
function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of ['pc.img', 'q35.img', 'noscsi.img', 'f.img', 'a.img', 'b.img', 'c.img', 'd.img', 'e.img', 'iso.img']) {
    writeFileSync(join(dir, f), '');
    truncateSync(join(dir, f), 8 << 20);
  }
  for (const f of ['q.qcow2', 'r.qcow2']) execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, f), '32M']);
  writeFileSync(join(dir, 'pc.xml'), domainXml(dir, PC, 'pc', "<controller type='scsi' model='virtio-scsi'/>"));
  writeFileSync(join(dir, 'q35.xml'), domainXml(dir, Q35, 'q35', ''));
  writeFileSync(join(dir, 'noscsi.xml'), domainXml(dir, NOSCSI, 'pc', '').replace('pc.img', 'noscsi.img'));
  // No `device`, no driver, no bus: what the definition's defaults fill in.
  writeFileSync(join(dir, 'bare.xml'), `<disk type='file'><source file='${join(dir, 'e.img')}'/><target dev='vdd'/></disk>`);
  writeFileSync(join(dir, 'cd.xml'), `<disk type='file' device='cdrom'><source file='${join(dir, 'iso.img')}'/><target dev='sdf' bus='scsi'/></disk>`);
  writeFileSync(join(dir, 'blk.xml'), "<disk type='block' device='disk'><source dev='/dev/null'/><target dev='vdz' bus='virtio'/></disk>");
  writeFileSync(join(dir, 'cd-config.xml'), `<disk type='file' device='cdrom'><source file='${join(dir, 'iso.img')}'/><target dev='sdh'/></disk>`);
}

/** The `<disk>` elements and SCSI controllers of a domain's XML, in order. */
const disks = (xml: string): string => [...xml.matchAll(/ *<(disk|controller type='scsi') [\s\S]*?<\/(disk|controller)>\n/g)].map(([d]) => d).join('');

/** Both sides' disks and SCSI controllers equal in the live XML and in the definition (`dumpxml --inactive`). */
async function sameDisks(name: string): Promise<void> {
  for (const flags of [[], ['--inactive']]) {
    const theirs = disks(systemVirsh(['dumpxml', name, ...flags]).stdout.replaceAll(sides.theirs, 'DIR'));
    const ours = disks((await tsvirsh(root.uri, 'dumpxml', name, ...flags)).stdout.replaceAll(sides.ours, 'DIR'));
    expect(theirs).toContain('<disk');
    expect(ours).toEqual(theirs);
  }
}

describe.skipIf(oracleSkipped('disk-hotplug-xml-oracle'))("attached disks' XML beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = prepareSides(root, prepare);
    const { differ } = await compareSteps(sides, [['define', 'DIR/pc.xml'], ['start', PC], ['define', 'DIR/q35.xml'], ['start', Q35], ['define', 'DIR/noscsi.xml'], ['start', NOSCSI]]);
    expect(differ).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    forgetSystemDomain(PC);
    forgetSystemDomain(Q35);
    forgetSystemDomain(NOSCSI);
    await root?.cleanup();
  });

  it('plugs file, block, CD-ROM and qcow2 disks on virtio, SCSI and USB with the XML libvirtd gives them, and refuses what it refuses', async () => {
    const { differ } = await compareSteps(sides, [
      ['attach-disk', PC, 'DIR/a.img', 'vdb', '--live'],
      ['attach-disk', PC, 'DIR/q.qcow2', 'sda', '--targetbus', 'scsi', '--subdriver', 'qcow2', '--live'],
      // No SATA or IDE controller on this PC: refused once the images are numbered (their index is spent).
      ['attach-disk', PC, 'DIR/b.img', 'sdb', '--targetbus', 'sata', '--live'],
      ['attach-disk', PC, 'DIR/b.img', 'hdb', '--targetbus', 'ide', '--live'],
      ['attach-device', PC, 'DIR/cd.xml', '--live'],
      ['attach-device', PC, 'DIR/blk.xml', '--live'],
      ['attach-device', PC, 'DIR/bare.xml', '--live'],
      ['attach-disk', PC, 'DIR/c.img', 'sdc', '--targetbus', 'usb', '--live'],
      ['attach-disk', PC, 'DIR/iso.img', 'sdg', '--targetbus', 'scsi', '--type', 'cdrom', '--mode', 'readonly', '--live'],
      ['attach-disk', PC, 'DIR/d.img', 'fda', '--type', 'floppy', '--live'],
      ['domblklist', PC, '--details'],
    ]);
    expect(differ).toEqual([]);
    await sameDisks(PC);
  }, 240_000);

  it("adds disks to the definition with libvirtd's defaults (--config)", async () => {
    const { differ } = await compareSteps(sides, [
      ['attach-disk', PC, 'DIR/c.img', 'vdc', '--config'],
      ['attach-disk', PC, 'DIR/r.qcow2', 'sdd', '--targetbus', 'scsi', '--subdriver', 'qcow2', '--config'],
      ['attach-disk', PC, 'DIR/d.img', 'sde', '--targetbus', 'sata', '--config'],
      ['attach-device', PC, 'DIR/cd-config.xml', '--config'],
      ['attach-device', PC, 'DIR/bare.xml', '--config'],
      ['attach-disk', PC, 'DIR/e.img', 'hdc', '--type', 'cdrom', '--config'],
    ]);
    expect(differ).toEqual([]);
    await sameDisks(PC);
  }, 240_000);

  it('plugs the SCSI controller a SCSI disk needs first, as libvirtd does (an lsilogic one)', async () => {
    const { differ } = await compareSteps(sides, [['attach-disk', NOSCSI, 'DIR/f.img', 'sdb', '--targetbus', 'scsi', '--live'], ['domblklist', NOSCSI]]);
    expect(differ).toEqual([]);
    await sameDisks(NOSCSI);
  }, 240_000);

  it('plugs on q35 as libvirtd does: its built-in SATA controller refuses a hotplug, IDE is missing, USB and virtio take ports', async () => {
    const { differ } = await compareSteps(sides, [
      ['attach-disk', Q35, 'DIR/a.img', 'sda', '--targetbus', 'sata', '--live'],
      ['attach-disk', Q35, 'DIR/b.img', 'hdb', '--targetbus', 'ide', '--live'],
      ['attach-disk', Q35, 'DIR/c.img', 'sdc', '--targetbus', 'usb', '--live'],
      // The SCSI controller it would need has no free slot: a running q35 gets no new root port.
      ['attach-disk', Q35, 'DIR/e.img', 'sdd', '--targetbus', 'scsi', '--live'],
      ['attach-disk', Q35, 'DIR/d.img', 'vdb', '--live'],
    ]);
    expect(differ).toEqual([]);
    await sameDisks(Q35);
  }, 240_000);
});
