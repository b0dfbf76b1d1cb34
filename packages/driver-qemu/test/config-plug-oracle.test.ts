// attach-device and detach-device --config (and --live --config) of chardevs, shared memory,
// redirdevs, vsock, RNGs, watchdogs, inputs and controllers beside libvirt's own QEMU driver
// (Debian's libvirtd 9.0, qemu:///system): each step's answer (success, or libvirt's refusal and
// its words for a device none matches) byte for byte, then both inactive `<devices>` (defaults
// and addresses the added devices got), and on a running guest (TCG) both live ones too. Not
// compared: virtio consoles, whose define-time port and address differ from libvirt's, and the
// console libvirt copies from a first serial port added later (its port and address).
import { describe, expect, it } from 'vitest';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';
import { domainDevices, maskSide, oracleSuite } from './oracle-sides.js';

const RUN = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const NAME = `tsvirt-cplug-${RUN}`;
const LIVE = `tsvirt-cplive-${RUN}`;
const SHM = `tsvirt-cplugshm-${RUN}`;

const FILES: Readonly<Record<string, string>> = {
  chanUnix: "<channel type='unix'><source mode='bind' path='DIR/c1.sock'/><target type='virtio' name='org.example.b'/></channel>",
  chanPty: "<channel type='pty'><target type='virtio' name='org.example.c'/></channel>",
  consoleSerial: "<console type='pty'/>",
  shmem: `<shmem name='${SHM}'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>`,
  shmemOld: `<shmem name='${SHM}-old'><model type='ivshmem'/></shmem>`,
  redirTcp: "<redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='4000'/></redirdev>",
  redirUnix: "<redirdev bus='usb' type='unix'><source mode='bind' path='DIR/r.sock'/></redirdev>",
  redirSpice: "<redirdev bus='usb' type='spicevmc'/>",
  vsock: "<vsock model='virtio'><cid auto='yes'/></vsock>",
  egdUdp: "<rng model='virtio'><backend model='egd' type='udp'><source mode='connect' host='127.0.0.1' service='1234'/></backend></rng>",
  rngRandom: "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
  serialPci: "<serial type='pty'><target type='pci-serial' port='2'><model name='pci-serial'/></target></serial>",
  serialIsa: "<serial type='pty'><target port='3'/></serial>",
  wd: "<watchdog model='i6300esb' action='poweroff'/>",
  wdOther: "<watchdog model='ib700'/>",
  scsi: "<controller type='scsi' index='0' model='virtio-scsi'/>",
  usbCtl: "<controller type='usb' index='0'/>",
  tablet: "<input type='tablet' bus='usb'/>",
  uaTaken: "<channel type='pty'><target type='virtio' name='org.example.t'/><alias name='ua-vs'/></channel>",
  uaChan: "<channel type='pty'><target type='virtio' name='org.example.u'/><alias name='ua-chan'/></channel>",
  noChan: "<channel type='pty'><target type='virtio' name='org.example.zz'/></channel>",
  noShmem: "<shmem name='nope'><model type='ivshmem-plain'/></shmem>",
  noRedir: "<redirdev bus='usb' type='unix'><source mode='bind' path='DIR/none.sock'/></redirdev>",
  noRng: "<rng model='virtio'><backend model='random'>/dev/random</backend></rng>",
  noInput: "<input type='keyboard' bus='usb'/>",
  noCtl: "<controller type='scsi' index='3'/>",
};

const ATTACHED = ['chanUnix', 'chanPty', 'shmem', 'redirTcp', 'redirUnix', 'egdUdp', 'rngRandom', 'serialPci', 'serialIsa', 'wd', 'scsi', 'uaChan'];
/** Refused: by kind, as one the definition has already, or (the tablet) for want of a free USB port. */
const REFUSED = ['consoleSerial', 'shmemOld', 'redirSpice', 'vsock', 'chanUnix', 'shmem', 'wdOther', 'scsi', 'usbCtl', 'uaTaken', 'tablet'];
const MISSING = ['noChan', 'noShmem', 'noRedir', 'noRng', 'noInput', 'noCtl'];

/** The domain (the one defined only has a vsock device, which the host cannot start). */
const domainXml = (name: string, vsock: boolean): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices>
  <serial type='pty'><target port='0'/></serial>
  <channel type='unix'><source mode='bind' path='DIR/c0.sock'/><target type='virtio' name='org.example.a'/></channel>
  ${vsock ? "<vsock model='virtio'><cid auto='yes'/><alias name='ua-vs'/></vsock>" : ''}</devices></domain>`;

describe.skipIf(oracleSkipped('config-plug-oracle'))("attach-device and detach-device --config beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  const suite = oracleSuite({ dom: domainXml(NAME, true), live: domainXml(LIVE, false), ...FILES }, { domains: [NAME, LIVE], shm: [SHM] });

  const inactive = async (name: string): Promise<[string, string]> => [
    maskSide(domainDevices(systemVirsh(['dumpxml', '--inactive', name]).stdout), suite.sides.theirs),
    maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', '--inactive', name)).stdout), suite.sides.ours),
  ];

  it('adds each kind to the definition with what a define gives it, and refuses in libvirt\'s words', async () => {
    const steps = [['define', 'DIR/dom.xml'], ...[...ATTACHED, ...REFUSED].map((f) => ['attach-device', NAME, `DIR/${f}.xml`, '--config'])];
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device attached successfully/g)).toHaveLength(ATTACHED.length);
    const [theirs, ours] = await inactive(NAME);
    expect(theirs).toContain("<alias name='ua-chan'/>");
    expect(ours).toBe(theirs);
  }, 600_000);

  it('removes each kind found by its XML as libvirt finds it, and says what it did not find', async () => {
    const steps = [...MISSING, ...ATTACHED, 'vsock', 'vsock', 'wdOther'].map((f) => ['detach-device', NAME, `DIR/${f}.xml`, '--config']);
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device detached successfully/g)?.length).toBeGreaterThanOrEqual(ATTACHED.length);
    const [theirs, ours] = await inactive(NAME);
    expect(theirs).not.toContain('<vsock');
    expect(ours).toBe(theirs);
  }, 600_000);

  it('plugs and unplugs with --live --config: both definitions as libvirt leaves them', async () => {
    const both = ['chanPty', 'shmem', 'egdUdp', 'redirUnix'];
    const steps = [
      ['define', 'DIR/live.xml'], ['start', LIVE],
      ...both.map((f) => ['attach-device', LIVE, `DIR/${f}.xml`, '--live', '--config']),
      ['attach-device', LIVE, 'DIR/chanPty.xml', '--live', '--config'],
      ['detach-device', LIVE, 'DIR/chanPty.xml', '--live', '--config'], ['detach-device', LIVE, 'DIR/redirUnix.xml', '--live', '--config'],
      ['detach-device', LIVE, 'DIR/noShmem.xml', '--live', '--config'],
    ];
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device attached successfully/g)).toHaveLength(both.length);
    const [theirs, ours] = await inactive(LIVE);
    expect(theirs).toContain(SHM);
    expect(ours).toBe(theirs);
    const live = maskSide(domainDevices(systemVirsh(['dumpxml', LIVE]).stdout), suite.sides.theirs);
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', LIVE)).stdout), suite.sides.ours)).toBe(live);
  }, 600_000);
});
