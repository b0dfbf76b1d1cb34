// Live unplug of the device kinds libvirt 9.0 unplugs whole (virtio channels and consoles, USB
// and virtio inputs, watchdogs, RNGs, shared memory, SCSI controllers) beside libvirt's own QEMU driver (Debian's
// libvirtd, qemu:///system) on a running guest (TCG, no guest OS, ACPI on): the same live XML
// after start (every device's alias), the same answers of detach-device-alias --live and
// detach-device --live (success, libvirt's refusals and its words for a device none matches),
// the same live XML while PCI unplugs wait for the guest, then the same XML and the same
// DEVICE_REMOVED events once each pending slot is ejected as a guest's ACPI _EJ0 ejects it (a
// write to PIIX4's eject register). Without ACPI QEMU refuses PCI unplugs, and libvirt passes its
// words on: so does tsvirt. Live attach of inputs, the watchdog, an RNG and a SCSI controller too.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainEventID, type Connection } from '@tsvirt/api';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';
import { until } from './until.js';
import { collectVirshEvents } from './virsh-events.js';
import { domainDevices, maskSide, oracleSuite } from './oracle-sides.js';

const RUN = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const NAME = `tsvirt-unplug-${RUN}`;
const BARE = `tsvirt-unplugna-${RUN}`;
const SHM = `tsvirt-shm-${RUN}`;
const PLUG = `tsvirt-plug-${RUN}`;

/** Each attach-device --live file: plugged as libvirt plugs it, or refused in its words. */
const ATTACH_FILES: Readonly<Record<string, string>> = {
  plugKbd: "<input type='keyboard' bus='usb'/>",
  plugMouse: "<input type='mouse' bus='virtio'/>",
  plugPs2: "<input type='mouse' bus='ps2'/>",
  plugWd: "<watchdog model='i6300esb' action='poweroff'/>",
  plugWd2: "<watchdog model='ib700'/>",
  plugRng: "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
  plugScsi: "<controller type='scsi' index='0' model='virtio-scsi'/>",
  plugUsb: "<controller type='usb' index='1'/>",
};

const DEVICES = `
  <controller type='scsi' index='0' model='virtio-scsi'/>
  <controller type='scsi' index='1' model='virtio-scsi'><alias name='ua-scsi1'/></controller>
  <controller type='scsi' index='2' model='virtio-scsi'/>
  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='DIR/d.img'/><target dev='sda' bus='scsi'/><address type='drive' controller='2' bus='0' target='0' unit='0'/></disk>
  <serial type='pty'><target port='0'/></serial>
  <serial type='pty'><target port='1'/><alias name='ua-ser1'/></serial>
  <console type='pty'><target type='virtio' port='1'/></console>
  <channel type='unix'><source mode='bind' path='DIR/ch-x.sock'/><target type='virtio' name='org.example.x'/></channel>
  <channel type='unix'><source mode='bind' path='DIR/ch-z.sock'/><target type='virtio' name='org.example.z'/></channel>
  <channel type='pty'><target type='virtio' name='org.example.y'/><alias name='ua-chan'/></channel>
  <input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>
  <input type='keyboard' bus='usb'><alias name='ua-kbd'/><address type='usb' bus='0' port='2'/></input>
  <input type='mouse' bus='virtio'/>
  <watchdog model='i6300esb' action='reset'/>
  <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  <rng model='virtio'><backend model='random'>/dev/urandom</backend><alias name='ua-rng'/></rng>
  <rng model='virtio'><backend model='egd' type='udp'><source mode='connect' host='127.0.0.1' service='1234'/></backend></rng>
  <shmem name='${SHM}'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>`;

const domainXml = (name: string, acpi: boolean, devices: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>${acpi ? '<features><acpi/></features>' : ''}<devices>${devices}</devices></domain>`;

/** Each detach-device --live file: what it names (a device, or one no device matches). */
const DETACH_FILES: Readonly<Record<string, string>> = {
  chanZ: "<channel type='unix'><source mode='bind' path='DIR/ch-z.sock'/><target type='virtio' name='org.example.z'/></channel>",
  chanNone: "<channel type='unix'><source mode='bind' path='DIR/ch-none.sock'/><target type='virtio' name='org.example.z'/></channel>",
  chanPty: "<channel type='pty'><target type='virtio' name='org.example.y'/></channel>",
  serialPty: "<serial type='pty'><target port='0'/></serial>",
  consolePty: "<console type='pty'><target type='virtio' port='1'/></console>",
  usbKbd: "<input type='keyboard' bus='usb'/>",
  usbMouse: "<input type='mouse' bus='usb'/>",
  ps2Mouse: "<input type='mouse' bus='ps2'/>",
  virtioKbd: "<input type='keyboard' bus='virtio'/>",
  wdOther: "<watchdog model='ib700' action='reset'/>",
  wdNoAddress: "<watchdog model='i6300esb' action='reset'/>",
  rngRandom: "<rng model='virtio'><backend model='random'>/dev/random</backend></rng>",
  rngEgd: "<rng model='virtio'><backend model='egd' type='udp'><source mode='connect' host='127.0.0.1' service='1234'/></backend></rng>",
  shmemNone: "<shmem name='nope'><model type='ivshmem-plain'/></shmem>",
  scsi1: "<controller type='scsi' index='1'/>",
  scsi2: "<controller type='scsi' index='2'/>",
  scsi7: "<controller type='scsi' index='7'/>",
  usbCtl: "<controller type='usb' index='0'/>",
  vsock: "<vsock model='virtio'><cid auto='yes'/></vsock>",
  redirdev: "<redirdev bus='usb' type='spicevmc'/>",
};

/** Aliases whose live unplug is asked, in order: done at once, left to the guest (PCI), or refused. */
const BY_ALIAS = ['ua-chan', 'channel0', 'console1', 'serial0', 'ua-ser1', 'input0', 'input2', 'input3', 'watchdog0', 'rng0', 'ua-rng',
  'scsi0', 'scsi2', 'shmem0', 'usb', 'virtio-serial0', 'balloon0', 'ua-none'];
/** The devices whose unplug waits for the guest, ejected at the end. */
const PENDING = ['input2', 'watchdog0', 'rng0', 'ua-rng', 'rng1', 'scsi0', 'ua-scsi1', 'shmem0'];

/** What moves between runs and sides: ptys and each side's own directory. */

/** The PCI slot of the device with `alias` in a live XML. */
function slotOf(xml: string, alias: string): number {
  const m = new RegExp(`<alias name='${alias}'/>\\s*<address type='pci' domain='0x0000' bus='0x00' slot='(0x[0-9a-f]+)'`).exec(xml);
  if (!m) throw new Error(`no PCI slot for ${alias} in the live XML`);
  return Number(m[1]);
}

describe.skipIf(oracleSkipped('unplug-live-oracle'))("live unplug of chardevs, inputs, watchdog, RNGs and SCSI controllers beside libvirtd 9.0", () => {
  const suite = oracleSuite({
    dom: domainXml(NAME, true, DEVICES),
    bare: domainXml(BARE, false, "<watchdog model='i6300esb' action='reset'/><rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"),
    plug: domainXml(PLUG, true, "<input type='tablet' bus='usb'/><rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"),
    ...DETACH_FILES, ...ATTACH_FILES,
  }, { domains: [NAME, BARE, PLUG], images: ['d.img'], shm: [SHM] });
  let conn: Connection | undefined;
  let listener: ChildProcess | undefined;
  const theirRemoved: string[] = [];
  const ourRemoved: string[] = [];

  beforeAll(async () => {
    // DEVICE_REMOVED: libvirtd's through virsh, tsvirt's through the API of a process holding the domains' events.
    listener = collectVirshEvents('device-removed', NAME, theirRemoved);
    conn = await suite.root.open();
    await conn.domainEventRegisterAny(undefined, DomainEventID.DEVICE_REMOVED, (_d, e) => {
      if (e.eventID === DomainEventID.DEVICE_REMOVED && e.domain.name === NAME) ourRemoved.push(e.devAlias);
    });
  });
  afterAll(() => listener?.kill());

  it('starts with the same live XML, every device named by its alias', async () => {
    const { differ } = await compareSteps(suite.sides, [['define', 'DIR/dom.xml'], ['start', NAME]]);
    expect(differ).toEqual([]);
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', NAME]).stdout), suite.sides.theirs);
    expect(theirs).toContain("<alias name='console1'/>");
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', NAME)).stdout), suite.sides.ours)).toBe(theirs);
  }, 300_000);

  it('answers detach-device-alias and detach-device --live as libvirt does, and leaves the same live XML', async () => {
    const steps = [
      ...BY_ALIAS.map((a) => ['detach-device-alias', NAME, a, '--live']),
      ...Object.keys(DETACH_FILES).map((f) => ['detach-device', NAME, `DIR/${f}.xml`, '--live']),
    ];
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device detach request sent successfully/g)).toHaveLength(10);
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', NAME]).stdout), suite.sides.theirs);
    for (const a of PENDING) expect(theirs).toContain(`<alias name='${a}'/>`);
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', NAME)).stdout), suite.sides.ours)).toBe(theirs);
  }, 600_000);

  it('finishes each pending unplug when the guest ejects the slot: the same XML and DEVICE_REMOVED events', async () => {
    const live = systemVirsh(['dumpxml', NAME]).stdout;
    // QEMU ejects one slot a write (the lowest bit set).
    const { differ } = await compareSteps(suite.sides, PENDING.map((a) => ['qemu-monitor-command', NAME, '--hmp', `o /w 0xae08 ${1 << slotOf(live, a)}`]));
    expect(differ).toEqual([]);
    const gone = ['ua-chan', 'channel0', 'console1', 'input0', 'channel1', 'ua-kbd', ...PENDING].sort();
    await until(() => theirRemoved.length >= gone.length, `libvirtd's DEVICE_REMOVED of ${gone.join(', ')} (got ${theirRemoved.join(', ')})`);
    await until(() => ourRemoved.length >= gone.length, `tsvirt's DEVICE_REMOVED of ${gone.join(', ')} (got ${ourRemoved.join(', ')})`);
    expect([...theirRemoved].sort()).toEqual(gone);
    expect([...ourRemoved].sort()).toEqual(gone);
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', NAME]).stdout), suite.sides.theirs);
    for (const a of PENDING) expect(theirs).not.toContain(`<alias name='${a}'/>`);
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', NAME)).stdout), suite.sides.ours)).toBe(theirs);
  }, 300_000);

  it("passes QEMU's refusal on when the machine has no PCI hotplug (no ACPI)", async () => {
    const { differ, transcript } = await compareSteps(suite.sides, [
      ['define', 'DIR/bare.xml'], ['start', BARE],
      ['detach-device-alias', BARE, 'watchdog0', '--live'], ['detach-device-alias', BARE, 'rng0', '--live'],
    ]);
    expect(differ).toEqual([]);
    expect(transcript).not.toContain('sent successfully');
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', BARE]).stdout), suite.sides.theirs);
    expect(theirs).toContain("<alias name='rng0'/>");
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', BARE)).stdout), suite.sides.ours)).toBe(theirs);
  }, 300_000);

  it('plugs USB and virtio inputs, the watchdog, an RNG and a SCSI controller live as libvirt does, and refuses the rest in its words', async () => {
    const steps = [['define', 'DIR/plug.xml'], ['start', PLUG], ...[...Object.keys(ATTACH_FILES), 'plugScsi'].map((f) => ['attach-device', PLUG, `DIR/${f}.xml`, '--live'])];
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device attached successfully/g)).toHaveLength(5);
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', PLUG]).stdout), suite.sides.theirs);
    for (const a of ['input3', 'input4', 'watchdog0', 'rng1', 'scsi0']) expect(theirs).toContain(`<alias name='${a}'/>`);
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', PLUG)).stdout), suite.sides.ours)).toBe(theirs);
  }, 300_000);
});
