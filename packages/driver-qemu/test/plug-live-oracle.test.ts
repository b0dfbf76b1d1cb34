// Live attach of chardevs (virtio channels on UNIX, pty and file sources, virtio consoles, PCI and
// ISA serial ports), shared memory (ivshmem-plain, a doorbell), redirdevs (usb-redir over TCP and
// UNIX), vsock, egd RNGs and interfaces with user aliases beside libvirt's own QEMU driver
// (Debian's libvirtd 9.0, qemu:///system) on a running guest (TCG, no guest OS): the same answer
// to each attach-device --live (success, libvirt's refusals, QEMU's own words passed on), the same
// live XML, the same DEVICE_ADDED aliases, and after the failed plugs the same chardevs and
// objects left in QEMU (query-chardev, qom-list /objects: each failed step's parts rolled back).
// A failed plug leaves the status file as it was. DEVICE_ADDED (raised in the attaching process:
// through the API here), then detach by alias of what was plugged.
import { type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainDeviceModifyFlags, DomainEventID, type Connection } from '@tsvirt/api';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';
import { until } from './until.js';
import { domainDevices, maskSide, oracleSuite } from './oracle-sides.js';
import { collectVirshEvents } from './virsh-events.js';

const RUN = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const NAME = `tsvirt-plug-${RUN}`;
const SHM = `tsvirt-plugshm-${RUN}`;

/** Each attach-device --live file, in order: plugged as libvirt plugs it, or refused in its (or QEMU's) words. */
const ATTACH: ReadonlyArray<readonly [string, string]> = [
  ['chanUnix', "<channel type='unix'><source mode='bind' path='DIR/c1.sock'/><target type='virtio' name='org.example.b'/></channel>"],
  ['chanPty', "<channel type='pty'><target type='virtio' name='org.example.c'/></channel>"],
  ['chanDup', "<channel type='unix'><source mode='bind' path='DIR/c1.sock'/><target type='virtio' name='org.example.b'/></channel>"],
  ['chanFile', "<channel type='file'><source path='DIR/chan.out'/><log file='DIR/chan.log' append='on'/><target type='virtio' name='org.example.f'/></channel>"],
  ['chanConnect', "<channel type='unix'><source mode='connect' path='DIR/none.sock'/><target type='virtio' name='org.example.n'/></channel>"],
  ['chanUa', "<channel type='pty'><target type='virtio' name='org.example.u'/><alias name='ua-chan'/></channel>"],
  ['console', "<console type='pty'><target type='virtio'/></console>"],
  ['consoleSerial', "<console type='pty'/>"],
  ['serialPci', "<serial type='pty'><target type='pci-serial' port='2'><model name='pci-serial'/></target></serial>"],
  ['serialIsa', "<serial type='pty'><target port='3'/></serial>"],
  ['shmem', `<shmem name='${SHM}'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>`],
  ['shmemOld', `<shmem name='${SHM}-old'><model type='ivshmem'/><size unit='M'>4</size></shmem>`],
  ['shmemDoorbell', `<shmem name='${SHM}-door'><model type='ivshmem-doorbell'/><server path='DIR/ivs.sock'/></shmem>`],
  ['redirTcp', "<redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='1'/></redirdev>"],
  ['redirUnix', "<redirdev bus='usb' type='unix'><source mode='bind' path='DIR/r.sock'/></redirdev>"],
  ['redirSpice', "<redirdev bus='usb' type='spicevmc'/>"],
  ['vsock', "<vsock model='virtio'><cid auto='yes'/></vsock>"],
  ['egdUdp', "<rng model='virtio'><backend model='egd' type='udp'><source mode='connect' host='127.0.0.1' service='1234'/></backend></rng>"],
  ['egdUnix', "<rng model='virtio'><backend model='egd' type='unix'><source mode='connect' path='DIR/egd.sock'/></backend></rng>"],
  ['nicUa', "<interface type='user'><mac address='52:54:00:7a:00:03'/><model type='virtio'/><alias name='ua-third'/></interface>"],
  ['nicUaDup', "<interface type='user'><mac address='52:54:00:7a:00:04'/><model type='virtio'/><alias name='ua-third'/></interface>"],
  ['chanUaTaken', "<channel type='pty'><target type='virtio' name='org.example.t'/><alias name='ua-first'/></channel>"],
  ['nicPlain', "<interface type='user'><mac address='52:54:00:7a:00:05'/><model type='virtio'/></interface>"],
];
/** Plugged through the API (on tsvirt's side) for the events it raises. */
const MORE: ReadonlyArray<readonly [string, string]> = [
  ['moreChan', "<channel type='pty'><target type='virtio' name='org.example.m'/></channel>"],
  ['moreEgd', "<rng model='virtio'><backend model='egd' type='udp'><source mode='connect' host='127.0.0.1' service='1235'/></backend></rng>"],
  ['moreRedir', "<redirdev bus='usb' type='unix'><source mode='bind' path='DIR/r2.sock'/></redirdev>"],
  ['moreNic', "<interface type='user'><mac address='52:54:00:7a:00:06'/><model type='virtio'/><alias name='ua-fourth'/></interface>"],
];
const PLUGGED = ['channel1', 'channel2', 'channel3', 'ua-chan', 'console0', 'serial0', 'shmem0', 'redir0', 'rng0', 'ua-third', 'net1'];

const DEVICES = `
  <interface type='user'><mac address='52:54:00:7a:00:01'/><model type='virtio'/><alias name='ua-first'/></interface>
  <interface type='user'><mac address='52:54:00:7a:00:02'/><model type='virtio'/></interface>
  <channel type='unix'><source mode='bind' path='DIR/c0.sock'/><target type='virtio' name='org.example.a'/></channel>`;

const domainXml = (dir: string): string => `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices>${DEVICES.replaceAll('DIR', dir)}</devices></domain>`;


/** What QEMU holds beside the devices: its chardevs' labels and its objects' ids, sorted (the monitors' own excluded: libvirt's, and tsvirt's event monitor). */
async function qemuParts(run: (...args: string[]) => Promise<string> | string): Promise<{ chardevs: string[]; objects: string[] }> {
  const chardevs = (JSON.parse(await run('qemu-monitor-command', NAME, '{"execute":"query-chardev"}')) as { return: Array<{ label: string }> }).return
    .map((c) => c.label).filter((l) => l !== 'charmonitor' && l !== 'tsvirt-events').sort();
  const objects = (JSON.parse(await run('qemu-monitor-command', NAME, '{"execute":"qom-list","arguments":{"path":"/objects"}}')) as { return: Array<{ name: string }> }).return
    .map((o) => o.name).filter((n) => n !== 'type').sort();
  return { chardevs, objects };
}

describe.skipIf(oracleSkipped('plug-live-oracle'))('live attach of chardevs, shmem, redirdevs, vsock, egd RNGs and aliased interfaces beside libvirtd 9.0', () => {
  const suite = oracleSuite({ dom: domainXml('DIR'), tablet: "<input type='tablet' bus='usb'/>", ...Object.fromEntries([...ATTACH, ...MORE]) },
    { domains: [NAME], shm: [SHM, `${SHM}-old`, `${SHM}-door`] });
  let conn: Connection | undefined;
  let listener: ChildProcess | undefined;
  const theirAdded: string[] = [];
  const ourAdded: string[] = [];

  beforeAll(async () => {
    listener = collectVirshEvents('device-added', NAME, theirAdded);
    conn = await suite.root.open();
    await conn.domainEventRegisterAny(undefined, DomainEventID.DEVICE_ADDED, (_d, e) => {
      if (e.eventID === DomainEventID.DEVICE_ADDED && e.domain.name === NAME) ourAdded.push(e.devAlias);
    });
  });
  afterAll(() => listener?.kill());

  it('answers each attach-device --live as libvirt does and leaves the same live XML, events and QEMU parts', async () => {
    const { differ: started } = await compareSteps(suite.sides, [['define', 'DIR/dom.xml'], ['start', NAME]]);
    expect(started).toEqual([]);
    const statusFile = (): string => readFileSync(join(suite.root.dir, 'run', 'qemu', `${NAME}.json`), 'utf8');
    const steps = ATTACH.map(([file]) => ['attach-device', NAME, `DIR/${file}.xml`, '--live']);
    let before = statusFile();
    for (const step of steps) {
      const { differ, transcript } = await compareSteps(suite.sides, [step]);
      expect(differ).toEqual([]);
      // Nothing is written for a plug that failed.
      if (!transcript.includes('Device attached successfully')) expect(statusFile()).toBe(before);
      before = statusFile();
    }
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', NAME]).stdout), suite.sides.theirs);
    for (const a of PLUGGED) expect(theirs).toContain(`<alias name='${a}'/>`);
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', NAME)).stdout), suite.sides.ours)).toBe(theirs);
    const theirParts = await qemuParts((...args) => systemVirsh(args).stdout);
    // The failed plugs' chardevs (an ISA port QEMU refused, a doorbell, an egd and a channel with nothing to connect to).
    for (const gone of ['charserial1', 'charshmem1', 'charrng1', 'charchannel4']) expect(theirParts.chardevs).not.toContain(gone);
    expect(await qemuParts(async (...args) => (await tsvirsh(suite.root.uri, ...args)).stdout)).toEqual(theirParts);
    await until(() => theirAdded.length >= PLUGGED.length, "libvirtd's DEVICE_ADDED");
    expect([...theirAdded].sort()).toEqual([...PLUGGED].sort());
  }, 900_000);

  it('raises DEVICE_ADDED with the alias libvirt raises (the API in this process)', async () => {
    const dom = await conn!.lookupByName(NAME);
    const from = theirAdded.length;
    for (const [file, xml] of MORE) {
      expect(systemVirsh(['attach-device', NAME, join(suite.sides.theirs, `${file}.xml`), '--live']).code).toBe(0);
      await dom.attachDeviceFlags(xml.replaceAll('DIR', suite.sides.ours), DomainDeviceModifyFlags.LIVE);
    }
    await until(() => theirAdded.length >= from + MORE.length, "libvirtd's DEVICE_ADDED");
    expect(ourAdded).toEqual(theirAdded.slice(from));
    expect(ourAdded).toContain('ua-fourth');
  }, 600_000);

  it('refuses a USB device when the redirdevs hold every port, then detaches by alias what it plugged (interfaces by their user alias), as libvirt does', async () => {
    const steps = [
      ['attach-device', NAME, 'DIR/tablet.xml', '--live'],
      ...['ua-third', 'net1', 'ua-first', 'channel1', 'ua-chan', 'redir0', 'ua-none'].map((a) => ['detach-device-alias', NAME, a, '--live']),
    ];
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(transcript).not.toContain('Device attached successfully');
    expect(differ).toEqual([]);
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', NAME]).stdout), suite.sides.theirs);
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', NAME)).stdout), suite.sides.ours)).toBe(theirs);
  }, 600_000);
});
