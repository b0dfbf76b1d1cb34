// USB ports and the hubs libvirt adds when they run out, beside libvirt's own QEMU driver (Debian's
// libvirtd 9.0, qemu:///system): libvirt's own USB cases (domain/in/usb-*.xml: automatic hubs,
// hubs in the definition, port paths, ICH9 and xHCI controllers, and the refusals of ports that
// cannot be assigned) and a mix of USB disks, redirected devices and IDE disks behind a hub,
// each through domxml-to-native, then defined, dumped inactive and undefined, on both sides.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_CORPUS } from './conformance.js';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, prepareSides, type OracleSides } from './oracle-steps.js';
import { maskNative } from './oracle-sides.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-usbhub-${process.pid}`;

/** libvirt's cases about USB ports and hubs; the `.err` ones it refuses. */
const CASES = [
  'usb-hub', 'usb-hub-autoadd', 'usb-hub-autoadd-deluxe', 'usb-port-autoassign', 'usb-port-missing', 'usb-ports', 'usb-long-port-path',
  'usb-xhci-autoassign', 'usb-ich9-autoassign', 'usb1-usb2',
  'usb-hub-conflict', 'usb-hub-nonexistent', 'usb-ports-out-of-range', 'usb-too-long-port-path-invalid',
  'usb-controller-xhci-limit', 'usb-controller-qemu-xhci-limit',
];

/** Four USB mice on a PIIX3 (2 ports) with USB and IDE disks and a redirected device: where the hub goes among them. */
const MIX = (dir: string): string => readFileSync(join(DOMAIN_CORPUS, 'in', 'usb-hub-autoadd.xml'), 'utf8').replace("<memballoon model='virtio'/>",
  `<memballoon model='virtio'/><disk type='file' device='disk'><source file='${dir}/u.img'/><target dev='sda' bus='usb'/></disk>
  <disk type='file' device='disk'><source file='${dir}/i.img'/><target dev='hda' bus='ide'/></disk><redirdev bus='usb' type='spicevmc'/><graphics type='spice'/>`);

let root: TestRoot;
let sides: OracleSides;

/** Each case's XML under this run's domain name, without its fixed UUID (another engineer's run may hold it). */
function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const own = (xml: string): string => xml.replace(/<name>[^<]*<\/name>/, `<name>${NAME}</name>`).replace(/<uuid>[^<]*<\/uuid>/, '');
  for (const name of CASES) writeFileSync(join(dir, `${name}.xml`), own(readFileSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`), 'utf8')));
  writeFileSync(join(dir, 'mix.xml'), own(MIX(dir)));
}

describe.skipIf(oracleSkipped('usb-hub-oracle'))("USB ports and hubs beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(() => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = prepareSides(root, prepare, maskNative(root.dir));
  }, 120_000);
  afterAll(async () => {
    forgetSystemDomain(NAME);
    await root?.cleanup();
  });

  it.each([...CASES, 'mix'])('%s: the same command line, definition and refusals', async (name) => {
    const { differ } = await compareSteps(sides, [
      ['domxml-to-native', 'qemu-argv', `DIR/${name}.xml`],
      ['define', `DIR/${name}.xml`], ['dumpxml', '--inactive', NAME], ['undefine', NAME],
    ]);
    expect(differ).toEqual([]);
  }, 120_000);
});
