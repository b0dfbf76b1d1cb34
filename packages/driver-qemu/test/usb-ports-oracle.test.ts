// USB devices where USB is off (`<controller type='usb' model='none'/>`) or its ports run out, and
// usb-serial ports, beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system):
// libvirt's usb-none cases and one definition per USB kind through domxml-to-native, define,
// dumpxml --inactive and undefine (libvirt's words for each kind, in the order it reads them);
// attach-device --live and --config of each kind to a running guest (TCG) without USB; a full
// bus at define and at a live plug; usb-serial (and PCI) serial ports on the command line, in
// the definition and plugged live and to the definition, with the console libvirt pairs with a
// first serial port added later; USB sound cards, smartcards (libvirt 9.0 refuses every smartcard
// attach), usb-net interfaces and watchdogs with addresses defined, and (but usb-net) attached live
// and to the definition. Not compared: a usb-net interface attached (interfaces' --config attach
// is not built; live, libvirt passes on QEMU's refusal of a usb-net device without a USB bus).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOMAIN_CORPUS } from './conformance.js';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';
import { domainDevices, maskNative, oracleSuite } from './oracle-sides.js';
import { tsvirsh } from './tsvirsh.js';

const RUN = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const NAME = `tsvirt-usbports-${RUN}`;
const LIVE = `tsvirt-usbnolive-${RUN}`;
const FULL = `tsvirt-usbfull-${RUN}`;
const CARDS = `tsvirt-usbcards-${RUN}`;

const NONE = "<controller type='usb' model='none'/>";
const PIIX3 = "<controller type='usb' index='0' model='piix3-uhci'/>";

/** One device of each USB kind (and a USB controller), as files to attach. */
const KINDS: Readonly<Record<string, string>> = {
  tablet: "<input type='tablet' bus='usb'/>",
  keyboard: "<input type='keyboard' bus='usb'/>",
  hostdev: "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>",
  disk: "<disk type='file' device='disk'><source file='DIR/u.img'/><target dev='sda' bus='usb'/></disk>",
  ccid: "<controller type='ccid' index='0'/>",
  hub: "<hub type='usb'/>",
  redirdev: "<redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='4000'/></redirdev>",
  usbSerial: "<serial type='pty'><target type='usb-serial'/></serial>",
  usbSerialFile: "<serial type='file'><source path='DIR/us.log'/><target type='usb-serial' port='3'><model name='usb-serial'/></target></serial>",
  pciSerial: "<serial type='pty'><target type='pci-serial'/></serial>",
  isaSerial: "<serial type='pty'/>",
  usbCtl: "<controller type='usb' index='1' model='piix3-uhci'/>",
};
/** USB sound cards and smartcards: defined without USB, and attached (libvirt 9.0 refuses every smartcard attach). */
const DEFINE_ONLY: Readonly<Record<string, string>> = { sound: "<sound model='usb'/>", smartcard: "<smartcard mode='host'/>" };
/** Devices libvirt refuses for their address, or takes only with one: watchdogs, usb-net interfaces. */
const PLACED: Readonly<Record<string, string>> = {
  smartcardTcp: "<smartcard mode='passthrough' type='tcp'><source mode='connect' host='127.0.0.1' service='2001'/></smartcard>",
  wdUsb: "<watchdog model='i6300esb'><address type='usb' bus='0' port='1'/></watchdog>",
  wdIsa: "<watchdog model='i6300esb'><address type='isa' iobase='0x443'/></watchdog>",
  wdIb700: "<watchdog model='ib700' action='poweroff'><address type='isa' iobase='0x443'/></watchdog>",
  wdPci: "<watchdog model='i6300esb'><address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/></watchdog>",
  usbNet: "<interface type='user'><mac address='52:54:00:7a:20:01'/><model type='usb-net'/></interface>",
  usbNetPlaced: "<interface type='user'><mac address='52:54:00:7a:20:02'/><model type='usb-net'/><address type='usb' bus='0' port='1'/></interface>",
};

const domain = (name: string, devices: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`;

/** Definitions: libvirt's usb-none cases, then each kind without USB, then orders of refusals, a full bus, hub counts, serial ports on USB and PCI. */
const DEFINITIONS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(['usb-none', 'usb-none-other', 'usb-none-usbtablet'].map((c) => [c,
    readFileSync(join(DOMAIN_CORPUS, 'in', `${c}.xml`), 'utf8').replace(/<name>[^<]*<\/name>/, `<name>${NAME}</name>`).replace(/<uuid>[^<]*<\/uuid>/, '')])),
  ...Object.fromEntries(Object.entries({ ...KINDS, ...DEFINE_ONLY }).filter(([k]) => k !== 'usbCtl' && k !== 'pciSerial' && k !== 'isaSerial')
    .map(([k, xml]) => [`none-${k}`, domain(NAME, NONE + xml)])),
  // libvirt reads controllers, then inputs, host devices and hubs: the first it reads is the one it names.
  'none-order': domain(NAME, NONE + KINDS['hub']! + KINDS['hostdev']! + KINDS['tablet']!),
  'none-order-hub': domain(NAME, KINDS['hub']! + KINDS['redirdev']! + NONE),
  'none-ctl-after': domain(NAME, NONE + KINDS['usbCtl']!),
  'none-ctl-before': domain(NAME, KINDS['usbCtl']! + NONE),
  'none-twice': domain(NAME, `${NONE}<controller type='usb' index='1' model='none'/>`),
  'none-placed': domain(NAME, `${NONE}<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>`),
  // two ports both given, a third device: the hub libvirt adds finds no port
  full: domain(NAME, `${PIIX3}<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>
    <input type='mouse' bus='usb'><address type='usb' bus='0' port='2'/></input>${KINDS['keyboard']!}`),
  // two hubs given fill both ports; libvirt counts them as devices too and adds a third under the first
  hubs: domain(NAME, `${PIIX3}<hub type='usb'><address type='usb' bus='0' port='1'/></hub><hub type='usb'><address type='usb' bus='0' port='2'/></hub>
    ${KINDS['tablet']!.repeat(17)}`),
  serials: domain(NAME, `<controller type='usb' index='0' model='ich9-ehci1'/>${KINDS['usbSerial']!}<serial type='pty'><target port='0'/></serial><sound model='usb'/>
    ${KINDS['tablet']!}${KINDS['redirdev']!}${KINDS['disk']!}<serial type='file'><source path='DIR/us.log'/><target type='usb-serial' port='5'/><address type='usb' bus='0' port='6'/></serial>`),
  pciFirst: domain(NAME, `${KINDS['pciSerial']!}<serial type='pty'><target port='0'/></serial>${KINDS['usbSerialFile']!}`),
  // a passthrough smartcard's implicit CCID controller goes elsewhere among the controllers (conf's)
  ...Object.fromEntries(Object.entries(PLACED).filter(([k]) => k !== 'smartcardTcp' && k !== 'usbNetPlaced').map(([k, xml]) => [`placed-${k}`, domain(NAME, xml)])),
  smartcards: domain(NAME, DEFINE_ONLY['smartcard']!.repeat(2)),
  'smartcard-spicevmc': domain(NAME, "<smartcard mode='passthrough' type='spicevmc'/>"),
};
/** Defined only: a usb-net interface on a USB port, which libvirt takes with USB off too (no usb-net on the command line here). */
const NET_DEFINITIONS: Readonly<Record<string, string>> = {
  'placed-usbNetPlaced': domain(NAME, PLACED['usbNetPlaced']!),
  'none-usbNetPlaced': domain(NAME, NONE + PLACED['usbNetPlaced']!),
};

describe.skipIf(oracleSkipped('usb-ports-oracle'))("USB devices without USB or ports, and usb-serial ports, beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  const suite = oracleSuite({
    ...KINDS, ...DEFINE_ONLY, ...PLACED, ...DEFINITIONS, ...NET_DEFINITIONS,
    live: domain(LIVE, NONE), 'full-live': domain(FULL, PIIX3 + KINDS['tablet']!), mouse: "<input type='mouse' bus='usb'/>", cards: domain(CARDS, NONE),
  }, { domains: [NAME, LIVE, FULL, CARDS], mask: maskNative, images: ['u.img'] });

  it.each(Object.keys(DEFINITIONS))('%s: the same command line, definition and refusals', async (name) => {
    const { differ } = await compareSteps(suite.sides, [
      ['domxml-to-native', 'qemu-argv', `DIR/${name}.xml`], ['define', `DIR/${name}.xml`], ['dumpxml', '--inactive', NAME], ['undefine', NAME],
    ]);
    expect(differ).toEqual([]);
  }, 120_000);

  it.each(Object.keys(NET_DEFINITIONS))('%s: the same definition', async (name) => {
    const { differ } = await compareSteps(suite.sides, [['define', `DIR/${name}.xml`], ['dumpxml', '--inactive', NAME], ['undefine', NAME]]);
    expect(differ).toEqual([]);
  }, 120_000);

  const devices = async (name: string, ...flags: string[]): Promise<[string, string]> => [
    suite.sides.mask(domainDevices(systemVirsh(['dumpxml', ...flags, name]).stdout), suite.sides.theirs),
    suite.sides.mask(domainDevices((await tsvirsh(suite.root.uri, 'dumpxml', ...flags, name)).stdout), suite.sides.ours),
  ];

  it('refuses each USB kind attached live or to the definition of a running guest without USB, in libvirt\'s words', async () => {
    const kinds = ['tablet', 'hostdev', 'disk', 'redirdev', 'hub', 'ccid', 'usbSerial', 'usbCtl'];
    const steps = [
      ['define', 'DIR/live.xml'], ['start', LIVE],
      ...kinds.flatMap((k) => [['attach-device', LIVE, `DIR/${k}.xml`, '--live'], ['attach-device', LIVE, `DIR/${k}.xml`, '--config']]),
    ];
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    // only the USB controller goes into the definition
    expect(transcript.match(/Device attached successfully/g)).toHaveLength(1);
    const [theirs, ours] = await devices(LIVE, '--inactive');
    expect(theirs).toContain("index='1' model='piix3-uhci'");
    expect(ours).toBe(theirs);
  }, 600_000);

  it('plugs usb-serial ports live until the bus is full, with the console libvirt pairs with the first', async () => {
    const steps = [
      ['define', 'DIR/full-live.xml'], ['start', FULL],
      ['attach-device', FULL, 'DIR/usbSerial.xml', '--live'], ['attach-device', FULL, 'DIR/usbSerialFile.xml', '--live'],
      ['attach-device', FULL, 'DIR/mouse.xml', '--live'],
    ];
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device attached successfully/g)).toHaveLength(1);
    const [theirs, ours] = await devices(FULL);
    expect(theirs).toContain("<target type='usb-serial' port='0'>");
    expect(theirs).toContain('<console');
    expect(ours).toBe(theirs);
    expect((await compareSteps(suite.sides, [['destroy', FULL], ['undefine', FULL]])).differ).toEqual([]);
  }, 600_000);

  it.each(['usbSerial', 'pciSerial', 'isaSerial'])('%s added to a definition without serial ports: the port and its console as libvirt leaves them', async (file) => {
    const { differ } = await compareSteps(suite.sides, [['define', 'DIR/full-live.xml'], ['attach-device', FULL, `DIR/${file}.xml`, '--config']]);
    expect(differ).toEqual([]);
    const [theirs, ours] = await devices(FULL, '--inactive');
    expect(theirs).toContain("<target type='serial' port='0'/>");
    expect(ours).toBe(theirs);
    expect((await compareSteps(suite.sides, [['undefine', FULL]])).differ).toEqual([]);
  }, 600_000);

  it('answers attach of USB sound cards, smartcards and watchdogs with addresses as libvirt does, live and to the definition', async () => {
    const files = ['sound', 'smartcard', 'smartcardTcp', 'wdUsb', 'wdIb700', 'wdIsa'];
    const { differ, transcript } = await compareSteps(suite.sides, [
      ['define', 'DIR/cards.xml'], ['start', CARDS],
      ...files.flatMap((f) => [['attach-device', CARDS, `DIR/${f}.xml`, '--live'], ['attach-device', CARDS, `DIR/${f}.xml`, '--config']]),
      ['detach-device', CARDS, 'DIR/sound.xml', '--live'], ['detach-device', CARDS, 'DIR/smartcard.xml', '--live'], ['destroy', CARDS], ['undefine', CARDS],
      // with USB: sound cards go on its ports
      ['define', 'DIR/full-live.xml'], ...['sound', 'sound', 'smartcard', 'wdUsb', 'wdPci'].map((f) => ['attach-device', FULL, `DIR/${f}.xml`, '--config']),
    ]);
    expect(differ).toEqual([]);
    // a sound card and the PCI watchdog: the second sound card finds no free port
    expect(transcript.match(/Device attached successfully/g)).toHaveLength(2);
    const [theirs, ours] = await devices(FULL, '--inactive');
    expect(theirs).toContain("<sound model='usb'>");
    expect(ours).toBe(theirs);
    expect((await compareSteps(suite.sides, [['undefine', FULL]])).differ).toEqual([]);
  }, 600_000);
});
