import { describe, expect, it } from 'vitest';
import { buildCommandLine } from '../src/command/qemu-command.js';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { libvirtTestCommandLine } from './conformance.js';
import { qemuMissing, qemuRuns } from './qemu-run.js';

const { root, context, run } = qemuRuns('qc-dev');

/** A small TCG domain with `devices` added to its device list. */
const domain = (devices: string): string => `<domain type='qemu'><name>cmd</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>219136</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>${devices}<memballoon model='none'/></devices></domain>`;

const argv = (devices: string): Promise<string[]> => libvirtTestCommandLine(parseQemuDomain(domain(devices), false));

/** The value after each occurrence of `flag`. */
const after = (args: readonly string[], flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));

describe('watchdogs, panic devices, TPMs and smartcards on the command line', () => {
  it('gives QEMU every watchdog action, dump as pause', async () => {
    const actions = { reset: 'reset', shutdown: 'shutdown', poweroff: 'poweroff', pause: 'pause', none: 'none', dump: 'pause', 'inject-nmi': 'inject-nmi' };
    for (const [action, qemu] of Object.entries(actions)) {
      expect(after(await argv(`<watchdog model='ib700' action='${action}'/>`), '-watchdog-action')).toEqual([qemu]);
    }
    expect(after(await argv(`<watchdog model='ib700'/>`), '-watchdog-action')).toEqual(['reset']);
  });

  it('puts an i6300esb watchdog on the PCI bus and refuses diag288 on x86', async () => {
    const dev = after(await argv(`<watchdog model='i6300esb'/>`), '-device').map((d) => JSON.parse(d)).find((d) => d.driver === 'i6300esb');
    expect(dev).toMatchObject({ id: 'watchdog0', bus: 'pci.0' });
    await expect(argv(`<watchdog model='diag288'/>`)).rejects.toThrow("watchdog model 'diag288' is not supported on this architecture");
  });

  it('gives an ISA panic device its port, and a Hyper-V one to the CPU', async () => {
    expect(after(await argv(`<panic model='isa'><address type='isa' iobase='0x506'/></panic>`), '-device')).toContain('{"driver":"pvpanic","ioport":1286}');
    expect(after(await argv(`<panic/>`), '-device')).toContain('{"driver":"pvpanic"}');
    const hyperv = await argv(`<panic model='hyperv'/>`);
    expect(after(hyperv, '-cpu')[0]).toContain('hv-crash');
    expect(hyperv.some((a) => a.includes('pvpanic'))).toBe(false);
    await expect(argv(`<panic model='s390'/>`)).rejects.toThrow("panic model 's390' is not supported by this QEMU binary");
  });

  it('connects an external TPM to its socket and refuses what needs a helper it lacks', async () => {
    const ext = await argv(`<tpm model='tpm-crb'><backend type='external'><source type='unix' mode='connect' path='/run/a,b.sock'/></backend></tpm>`);
    expect(after(ext, '-chardev')).toContain('socket,id=chrtpm,path=/run/a,,b.sock');
    expect(after(ext, '-tpmdev')).toEqual(['emulator,id=tpm-tpm0,chardev=chrtpm']);
    expect(after(ext, '-device')).toContain('{"driver":"tpm-crb","tpmdev":"tpm-tpm0","id":"tpm0"}');
    await expect(argv(`<tpm><backend type='passthrough'><device path='/dev/tpm0'/></backend></tpm>`)).rejects.toThrow(
      "TPM backend 'passthrough' is not supported by this driver yet");
    // Without the socket of an swtpm the driver started, an emulated TPM is refused rather than left without one.
    const def = parseQemuDomain(domain(`<tpm><backend type='emulator' version='2.0'/></tpm>`), false);
    expect(() => buildCommandLine(def, {
      accel: 'tcg', monitorPath: '/tmp/m.sock', masterKeyFile: '/tmp/k', disks: [],
      hugepages: { defaultHugepageKiB: 2048, runName: 'x', hugepageDir: () => undefined },
    })).toThrow("internal error: no swtpm socket for the emulated TPM 'tpm0'");
  });

  it('passes a smartcard through its character device on a CCID reader, and refuses the host modes', async () => {
    const args = await argv(`<smartcard mode='passthrough' type='tcp'><source mode='connect' host='127.0.0.1' service='2001'/></smartcard>`);
    expect(after(args, '-chardev')).toContain('socket,id=charsmartcard0,host=127.0.0.1,port=2001');
    expect(after(args, '-device')).toContain('{"driver":"ccid-card-passthru","chardev":"charsmartcard0","id":"smartcard0","bus":"ccid0.0"}');
    expect(after(args, '-device').some((d) => d.startsWith('{"driver":"usb-ccid","id":"ccid0"'))).toBe(true);
    await expect(argv(`<smartcard mode='host'/>`)).rejects.toThrow("smartcard mode 'host' is not supported by this driver yet");
  });

  it('makes an object per I/O thread, listed ids first, and the main loop pool', async () => {
    const xml = domain('').replace('<vcpu>', `<iothreads>3</iothreads><iothreadids><iothread id='3' thread_pool_min='2' thread_pool_max='4'/></iothreadids>
      <defaultiothread thread_pool_max='9'/><vcpu>`);
    const objects = after(await libvirtTestCommandLine(parseQemuDomain(xml, false)), '-object').filter((o) => /iothread|main-loop/.test(o));
    expect(objects).toEqual([
      '{"qom-type":"iothread","id":"iothread3","thread-pool-min":2,"thread-pool-max":4}',
      '{"qom-type":"iothread","id":"iothread1"}',
      '{"qom-type":"iothread","id":"iothread2"}',
      '{"qom-type":"main-loop","id":"main-loop","thread-pool-max":9}',
    ]);
  });

  it('puts USB disks on USB ports in libvirt order, removable as asked, and refuses other addresses', async () => {
    const disk = (dev: string, extra = ''): string => `<disk type='file' device='disk'><source file='/i/${dev}'/><target dev='${dev}' bus='usb'${extra}/></disk>`;
    // On q35's XHCI controller, whose ports suffice; as libvirtd 9.0's domxml-to-native gives them: disks in target order.
    const q35 = domain(`<input type='tablet' bus='usb'/>${disk('sdb', " removable='on'")}${disk('sda')}`).replace("machine='pc'", "machine='q35'");
    const devices = after(await libvirtTestCommandLine(parseQemuDomain(q35, false)), '-device').map((d) => JSON.parse(d) as Record<string, unknown>);
    expect(devices.filter((d) => d['driver'] === 'usb-storage')).toEqual([
      { driver: 'usb-storage', bus: 'usb.0', port: '1', drive: 'libvirt-2-format', id: 'usb-disk0', bootindex: 1, removable: false },
      { driver: 'usb-storage', bus: 'usb.0', port: '2', drive: 'libvirt-1-format', id: 'usb-disk1', removable: true },
    ]);
    expect(devices.find((d) => d['driver'] === 'usb-tablet')).toMatchObject({ bus: 'usb.0', port: '3' });
    await expect(argv(disk('sda').replace('</disk>', "<address type='pci' bus='0' slot='5'/></disk>"))).rejects.toThrow('unexpected address type for usb disk');
    await expect(argv(`<disk type='file' device='cdrom'><target dev='sdc' bus='usb'/><readonly/></disk>`)).rejects.toThrow(
      "USB disk 'sdc' needs a medium: QEMU has no empty USB drive");
  });

  it("sizes TCG's translation block cache in MiB", async () => {
    const xml = domain('').replace('<vcpu>', "<features><tcg><tb-cache unit='KiB'>65536</tb-cache></tcg></features><vcpu>");
    expect(after(await libvirtTestCommandLine(parseQemuDomain(xml, false)), '-accel')).toEqual(['tcg,tb-size=64']);
    expect(after(await argv(''), '-accel')).toEqual(['tcg']);
  });

  it("reads an RNG's entropy from a device file, QEMU itself or an egd daemon's character device", async () => {
    const rng = async (backend: string): Promise<string[]> => {
      const args = await argv(`<rng model='virtio'>${backend}</rng>`);
      return [...after(args, '-chardev').filter((c) => c.includes('charrng')), ...after(args, '-object').filter((o) => o.includes('objrng'))];
    };
    expect(await rng(`<backend model='random'>/dev/urandom</backend>`)).toEqual(['{"qom-type":"rng-random","id":"objrng0","filename":"/dev/urandom"}']);
    expect(await rng(`<backend model='random'/>`)).toEqual(['{"qom-type":"rng-random","id":"objrng0","filename":"/dev/random"}']);
    expect(await rng(`<backend model='builtin'/>`)).toEqual(['{"qom-type":"rng-builtin","id":"objrng0"}']);
    expect(await rng(`<backend model='egd' type='tcp'><source mode='connect' host='127.0.0.1' service='708'/><protocol type='raw'/></backend>`))
      .toEqual(['socket,id=charrng0,host=127.0.0.1,port=708', '{"qom-type":"rng-egd","id":"objrng0","chardev":"charrng0"}']);
  });

  it('refuses what it would otherwise leave out: launch security, persistent reservations', async () => {
    const sev = domain('').replace('<devices>', "<launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x0001</policy></launchSecurity><devices>");
    await expect(libvirtTestCommandLine(parseQemuDomain(sev, false))).rejects.toThrow('launch security is not supported by this driver yet');
    await expect(argv("<disk type='block' device='lun'><source dev='/dev/sdz'><reservations managed='yes'/></source><target dev='sda' bus='scsi'/></disk>"))
      .rejects.toThrow("persistent reservations of disk 'sda' are not supported by this driver yet");
  });

  it("refuses what firmware autoselection leaves no room for, in libvirt's words", async () => {
    const os = (firmware: string, inner: string): string => domain('').replace("<os><type arch='x86_64' machine='pc'>hvm</type></os>",
      `<os firmware='${firmware}'><type arch='x86_64' machine='pc'>hvm</type>${inner}</os>`);
    const refusal = async (xml: string): Promise<string[]> => libvirtTestCommandLine(parseQemuDomain(xml, false));
    await expect(refusal(os('bios', "<loader stateless='no'/>"))).rejects.toThrow(/^Only EFI firmware permits NVRAM$/);
    await expect(refusal(os('bios', '<nvram>/v.fd</nvram>'))).rejects.toThrow(/^firmware type 'bios' does not support nvram$/);
    for (const [loader, name] of [["<loader readonly='yes'/>", 'readonly'], ["<loader secure='no'/>", 'secure'], ["<loader type='pflash'/>", 'type'], ['<loader>/c.fd</loader>', 'type']]) {
      await expect(refusal(os('efi', loader!))).rejects.toThrow(`loader attribute '${name}' cannot be specified when firmware autoselection is enabled`);
    }
    // libvirt's test descriptors have no UEFI firmware for the unversioned 'pc' machine type.
    await expect(refusal(os('efi', '').replace('<devices>', '<features><acpi/></features><devices>'))).rejects.toThrow("operation failed: Unable to find any firmware to satisfy 'efi'");
  });

  it("stacks a copy-on-read layer over a disk's format layer and gives the guest device that", async () => {
    const args = await argv("<disk type='file' device='disk'><driver name='qemu' type='qcow2' copy_on_read='on'/><source file='/i.qcow2'/><target dev='vdb' bus='virtio'/></disk>");
    expect(after(args, '-blockdev').at(-1)).toBe('{"driver":"copy-on-read","node-name":"libvirt-CoR-vdb","file":"libvirt-1-format","discard":"unmap"}');
    expect(after(args, '-device').find((d) => d.includes('virtio-blk'))).toContain('"drive":"libvirt-CoR-vdb"');
    const plain = await argv("<disk type='file' device='disk'><driver name='qemu' type='qcow2' copy_on_read='off'/><source file='/i.qcow2'/><target dev='vdb' bus='virtio'/></disk>");
    expect(plain.some((a) => a.includes('copy-on-read'))).toBe(false);
  });

  it('plays each sound card through its audio backend, an HD Audio controller through its codecs', async () => {
    const cards = "<audio id='1' type='none'/><audio id='2' type='none'/><sound model='ac97'/><sound model='ich9'><codec type='micro'/><codec type='output'/><audio id='2'/></sound><sound model='es1370'/>";
    const args = await argv(cards);
    const sound = after(args, '-device').map((d) => JSON.parse(d) as Record<string, unknown>).filter((d) => /AC97|hda|ES1370/.test(String(d['driver'])));
    expect(sound.map((d) => [d['driver'], d['id'], d['audiodev'], d['bus'] === 'pci.0' ? 'pci' : d['bus'], d['cad']])).toEqual([
      ['AC97', 'sound0', 'audio1', 'pci', undefined], ['ich9-intel-hda', 'sound1', undefined, 'pci', undefined],
      ['hda-micro', 'sound1-codec0', 'audio2', 'sound1.0', 0], ['hda-output', 'sound1-codec1', 'audio2', 'sound1.0', 1],
      ['ES1370', 'sound2', 'audio1', 'pci', undefined],
    ]);
    await expect(argv("<audio id='1' type='none'/><sound model='sb16'/>")).rejects.toThrow("sound card model 'sb16' is not supported by this driver yet");
    if (qemuMissing()) return;
    const def = parseQemuDomain(domain(cards), false);
    await run(buildCommandLine(def, { ...context(root), disks: [] }), root, async (monitor) => {
      const paths = await monitor.execute<Array<{ name: string }>>('qom-list', { path: '/machine/peripheral' });
      expect(paths.map((p) => p.name)).toEqual(expect.arrayContaining(['sound0', 'sound1', 'sound1-codec0', 'sound1-codec1', 'sound2']));
    });
  }, 60_000);

  it('puts a PCI serial card at its PCI address, its console copy taking no slot of its own, and QEMU has it there', async () => {
    const card = `<serial type='pty'><target type='pci-serial' port='0'/><address type='pci' domain='0' bus='0' slot='5' function='0'/></serial>
      <console type='pty'><target type='serial' port='0'/><address type='pci' domain='0' bus='0' slot='5' function='0'/></console>`;
    expect(after(await argv(card), '-device')).toContain('{"driver":"pci-serial","chardev":"charserial0","id":"serial0","bus":"pci.0","addr":"0x5"}');
    if (qemuMissing()) return;
    const def = parseQemuDomain(domain(card), false);
    await run(buildCommandLine(def, { ...context(root), disks: [] }), root, async (monitor) => {
      const paths = await monitor.execute<Array<{ name: string; type: string }>>('qom-list', { path: '/machine/peripheral' });
      expect(paths).toContainEqual({ name: 'serial0', type: 'child<pci-serial>' });
      const [bus] = await monitor.execute<Array<{ devices: Array<{ slot: number; id: { vendor: number; device: number } }> }>>('query-pci');
      // Red Hat's PCI serial card (1b36:0002).
      expect(bus!.devices.find((d) => d.slot === 5)?.id).toMatchObject({ vendor: 0x1b36, device: 0x0002 });
    });
  }, 60_000);

  it('refuses the device kinds it cannot build yet rather than leave them out', async () => {
    await expect(argv("<crypto model='virtio' type='qemu'><backend model='builtin'/></crypto>")).rejects.toThrow('<crypto> devices are not supported by this driver yet');
  });

  it('puts a USB hub on the first free port, before the devices behind it (usb-hub-oracle compares the rest with libvirtd)', async () => {
    const args = await argv("<controller type='usb' model='piix3-uhci'/><hub type='usb'/>");
    expect(after(args, '-device')).toContain('{"driver":"usb-hub","id":"hub0","bus":"usb.0","port":"1"}');
  });
});
