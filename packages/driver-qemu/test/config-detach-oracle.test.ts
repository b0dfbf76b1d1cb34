// detach-device --config by XML of the kinds libvirt removes from a definition only (sound cards,
// filesystems, leases) beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system):
// each step's answer (removed, or libvirt's words for what none matches) and the inactive
// `<devices>` left. Not compared: a lease without a lockspace (libvirtd 9.0 fails with no error
// set: "the cause is unknown").
import { describe, expect, it } from 'vitest';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';
import { domainDevices, maskSide, oracleSuite } from './oracle-sides.js';
import { tsvirsh } from './tsvirsh.js';

const NAME = `tsvirt-cdetach-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Each file detached, in order: sound cards by model, codecs and address; filesystems by target; leases by lockspace and key. */
const DETACH: ReadonlyArray<readonly [string, string]> = [
  ['soundNoCodec', "<sound model='ich6'/>"],
  ['soundCodec', "<sound model='ich6'><codec type='micro'/></sound>"],
  ['soundAc97', "<sound model='ac97'/>"],
  ['soundNone', "<sound model='es1370'/>"],
  ['soundElsewhere', "<sound model='ich9'><address type='pci' domain='0x0000' bus='0x00' slot='0x09' function='0x0'/></sound>"],
  ['soundOtherCodec', "<sound model='ich9'><codec type='duplex'/></sound>"],
  ['fsByTarget', "<filesystem type='mount'><source dir='/nowhere'/><target dir='tag1'/></filesystem>"],
  ['fsOtherTarget', "<filesystem type='mount'><source dir='DIR/fs2'/><target dir='tagX'/></filesystem>"],
  ['fsSecond', "<filesystem type='mount' accessmode='mapped'><source dir='DIR/fs2'/><target dir='tag2'/></filesystem>"],
  ['fsByTarget', ''],
  ['leaseOtherPath', "<lease><lockspace>ls1</lockspace><key>k1</key><target path='/other'/></lease>"],
  ['leaseOtherSpace', "<lease><lockspace>ls2</lockspace><key>k2</key><target path='DIR/lease2'/></lease>"],
  ['leaseSecond', "<lease><lockspace>ls1</lockspace><key>k2</key><target path='/x'/></lease>"],
  ['leaseSecond', ''],
];

const DOMAIN = `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
  <lease><lockspace>ls1</lockspace><key>k1</key><target path='DIR/lease1'/></lease>
  <lease><lockspace>ls1</lockspace><key>k2</key><target path='DIR/lease2' offset='1024'/></lease>
  <filesystem type='mount' accessmode='mapped'><source dir='DIR/fs1'/><target dir='tag1'/></filesystem>
  <filesystem type='mount' accessmode='passthrough'><source dir='DIR/fs2'/><target dir='tag2'/></filesystem>
  <sound model='ich6'><codec type='micro'/></sound><sound model='ac97'/><sound model='ich9'/></devices></domain>`;

describe.skipIf(oracleSkipped('config-detach-oracle'))("detach-device --config of sound cards, filesystems and leases beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  const suite = oracleSuite({ dom: DOMAIN, ...Object.fromEntries(DETACH.filter(([, xml]) => xml !== '')) }, { domains: [NAME] });

  it('removes what libvirt finds by the XML, and says what it did not find in its words', async () => {
    const { root, sides } = suite;
    const steps = [['define', 'DIR/dom.xml'], ...DETACH.map(([file]) => ['detach-device', NAME, `DIR/${file}.xml`, '--config'])];
    const { differ, transcript } = await compareSteps(sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device detached successfully/g)).toHaveLength(6);
    const theirs = maskSide(domainDevices(systemVirsh(['dumpxml', '--inactive', NAME]).stdout), sides.theirs);
    expect(theirs).toContain("<sound model='ich9'>");
    expect(maskSide(domainDevices((await tsvirsh(root.uri, 'dumpxml', '--inactive', NAME)).stdout), sides.ours)).toBe(theirs);
  }, 600_000);
});
