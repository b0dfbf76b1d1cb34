// Shared memory (ivshmem), redirected USB and vsock devices beside libvirt's QEMU driver (Debian's
// libvirtd 9.0, qemu:///system): each definition through domxml-to-native (the command line, or
// the refusal while it is built), define (the define-time checks), dumpxml --inactive (the
// defaults) and undefine, through Debian's virsh and through tsvirsh, compared step by step.
import { randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_CORPUS } from './conformance.js';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';

const RUN = randomBytes(4).toString('hex');
const UUID = randomUUID();
const nameOf = (i: number): string => `tsvirt-devs-${RUN}-${i}`;

/** libvirt's own cases of the three kinds (their `.args` are fixed-capability runs; here both sides build for QEMU 7.2). */
const CORPUS = ['shmem', 'shmem-plain-doorbell', 'shmem-invalid-address', 'shmem-invalid-size', 'shmem-msi-only',
  'usb-redir-filter', 'usb-redir-filter-version', 'vhost-vsock', 'vhost-vsock-auto'];

const plain = (inner: string, name = "name='m'"): string => `<shmem ${name}><model type='ivshmem-plain'/>${inner}</shmem>`;
const doorbell = (inner: string, name = "name='d'"): string => `<shmem ${name}><model type='ivshmem-doorbell'/>${inner}</shmem>`;
const redir = (type: string, inner = ''): string => `<redirdev bus='usb' type='${type}'>${inner}</redirdev>`;
const tcp = "<source mode='connect' host='127.0.0.1' service='4000'/>";
const spice = "<graphics type='spice'/>";

/** Every rule of the three kinds: each model, option and refusal. */
const VARIANTS: readonly string[] = [
  plain(''), plain("<size unit='M'>8</size>"), plain("<size unit='G'>1</size>"), plain('<size>1048576</size>'),
  plain("<address type='isa'/>"), plain('<msi/>'), plain('<server/>'), plain("<size unit='X'>1</size>"),
  plain('', "name='m' role='master'"), plain('', "name='m' role='peer'"), plain('', "name='m' role='bogus'"),
  plain('', "name='..'"), plain('', "name='.'"), plain('', "name='a/b'"), plain('', ''), plain('', "name='a,b'"),
  plain("<alias name='ua-mem'/>") + plain("<size unit='M'>2</size>", "name='n'"),
  "<shmem name='i'/>", "<shmem name='i'><model type='bogus'/></shmem>",
  doorbell('<server/>'), doorbell(''), doorbell('<msi/>'), doorbell("<server/><size unit='M'>4</size>"),
  doorbell("<server path='/tmp/x,y'/><msi vectors='4'/>"), doorbell("<server/><msi vectors='0' ioeventfd='off'/>"),
  doorbell("<server/><msi vectors='x'/>"), doorbell("<server/><msi ioeventfd='maybe'/>"), doorbell('<server/>', "name='d' role='master'"),
  "<vsock model='virtio'><cid auto='yes'/></vsock>", "<vsock><cid auto='no' address='3'/></vsock>", "<vsock model='virtio'/>",
  "<vsock model='virtio'><cid auto='no' address='2'/></vsock>", "<vsock model='virtio'><cid auto='no'/></vsock>",
  "<vsock model='virtio'><cid auto='yes'/></vsock><vsock model='virtio'><cid auto='yes'/></vsock>",
  "<vsock model='virtio'><cid auto='no' address='5'/><driver iommu='on' ats='on' packed='on'/></vsock>",
  "<vsock model='virtio'><cid address='7'/><alias name='ua-v'/></vsock>", "<vsock model='virtio'><cid auto='no' address='9'/><address type='isa'/></vsock>",
  "<vsock model='virtio-non-transitional'><cid auto='no' address='4'/></vsock>",
  redir('tcp', tcp), redir('tcp', `${tcp}<boot order='2'/>`), redir('tcp', "<source mode='bind' host='127.0.0.1' service='4000'/><protocol type='telnet'/>"),
  redir('unix', "<source mode='connect' path='/tmp/r.sock'/>"), redir('unix', "<source mode='bind' path='/tmp/r2.sock'/>"),
  redir('pty'), redir('file', "<source path='/tmp/r.log'/>"), redir('spicevmc'), spice + redir('spicevmc'),
  `<controller type='usb' model='none'/>${redir('tcp', tcp)}`,
  redir('tcp', `${tcp}<alias name='ua-r'/><address type='usb' bus='0' port='2'/>`) + redir('unix', "<source mode='connect' path='/tmp/r.sock'/>"),
  redir('tcp', tcp) + redir('tcp', tcp) + "<redirfilter><usbdev class='0x08' vendor='0x15e1' product='0x2007' version='1.10' allow='yes'/>" +
    "<usbdev vendor='0x1' version='2.0' allow='no'/><usbdev class='-1' vendor='-1' product='-1' version='-1' allow='yes'/></redirfilter>",
];

/** A definition of this run: its name and UUID. */
function ofRun(xml: string, i: number): string {
  return xml.replace(/<name>[^<]*<\/name>/, `<name>${nameOf(i)}</name>`).replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${UUID}</uuid>`);
}

const variantXml = (devices: string): string =>
  `<domain type='qemu'><name>N</name><uuid>U</uuid><memory unit='KiB'>65536</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>` +
  `<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>${devices}</devices></domain>`;

/**
 * Sizes that are not whole MiB, which no start accepts: libvirt writes them rounded down to MiB but
 * refuses the start by the exact size it still holds in memory; tsvirt, whose start reads the stored
 * definition, keeps them as written so that its start refuses them as libvirt's does. Their dumpxml is
 * checked apart.
 */
const ODD_SIZES = ["<size unit='K'>12345</size>", "<size unit='K'>512</size>", "<size unit='K'>1536</size><address type='isa'/>"];

const CASES: ReadonlyArray<readonly [string, string]> = [
  ...CORPUS.map((c) => [c, readFileSync(join(DOMAIN_CORPUS, 'in', `${c}.xml`), 'utf8')] as const),
  ...VARIANTS.map((v) => [v, variantXml(v)] as const),
  ...ODD_SIZES.map((v) => [plain(v), variantXml(plain(v))] as const),
];
const oddSize = (i: number): boolean => i >= CASES.length - ODD_SIZES.length;

let root: TestRoot;
let sides: OracleSides;

describe.skipIf(oracleSkipped('devs-oracle'))("shmem, redirdev and vsock beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(() => {
    execFileSync(fileURLToPath(new URL('../scripts/libvirtd-up.sh', import.meta.url)), { stdio: 'inherit' });
    root = new TestRoot();
    sides = {
      uri: root.uri, theirs: '/var/lib/libvirt/qemu/domain--1-', ours: `${root.dir}/run/qemu/domain--1-`,
      mask: (text, dir) => text.replaceAll(dir, 'RUN/').replace(/PATH=\S+ /, 'PATH=… '),
    };
  });
  afterAll(async () => {
    [...CASES, null].forEach((_, i) => forgetSystemDomain(nameOf(i)));
    await root?.cleanup();
  });

  // tsvirt's side runs through the API in this process (a tsvirsh per step made the file take minutes
  // under load); its answers are put as virsh prints them: the output, or the error's last line.
  it('builds, refuses and defines each definition as libvirtd does', async () => {
    const conn = await root.open();
    const answer = async (run: () => Promise<string>): Promise<string> => run().then((out) => out.trimEnd(), (e: Error) => `error: ${e.message}`);
    const theirs = (args: string[]): string => {
      const r = systemVirsh(args);
      return r.code === 0 ? r.stdout.trimEnd() : r.stderr.trimEnd().split('\n').at(-1)!;
    };
    const differ: Array<{ case: string; step: string; theirs: string; ours: string }> = [];
    const counts = { built: 0, refused: 0, dumped: 0 };
    for (let i = 0; i < CASES.length; i++) {
      const [label, raw] = CASES[i]!;
      const xml = ofRun(raw, i);
      const file = join(root.dir, `case-${i}.xml`);
      writeFileSync(file, xml);
      const native = [sides.mask(theirs(['domxml-to-native', 'qemu-argv', file]), sides.theirs),
        sides.mask(await answer(() => conn.domainXMLToNative('qemu-argv', xml)), sides.ours)];
      const theirDefine = theirs(['define', file]);
      const define = [theirDefine.startsWith('error:') ? theirDefine : 'defined', await answer(() => conn.defineXML(xml).then(() => 'defined'))];
      const steps: Array<[string, string[]]> = [['domxml-to-native', native], ['define', define]];
      if (define[0] === 'defined' && define[1] === 'defined' && !oddSize(i)) {
        steps.push(['dumpxml --inactive', [theirs(['dumpxml', '--inactive', nameOf(i)]), await answer(async () => (await conn.lookupByName(nameOf(i))).getXMLDesc(2))]]);
      }
      forgetSystemDomain(nameOf(i));
      await conn.lookupByName(nameOf(i)).then((d) => d.undefine(), () => undefined);
      for (const [step, [a, b]] of steps) if (a !== b) differ.push({ case: label, step, theirs: a!, ours: b! });
      counts[native[0]!.startsWith('error:') ? 'refused' : 'built']++;
      if (steps.length > 2) counts.dumped++;
    }
    if (differ.length) console.log(JSON.stringify(differ, null, 1));
    expect(differ).toEqual([]);
    // Both kinds of answer were compared: command lines and libvirt's refusals, definitions and their defaults.
    console.log(`devs-oracle: ${counts.built} command lines, ${counts.refused} refusals, ${counts.dumped} definitions compared`);
    expect(counts).toMatchObject({ built: expect.any(Number), refused: expect.any(Number), dumped: expect.any(Number) });
    expect(Math.min(counts.built, counts.refused, counts.dumped)).toBeGreaterThanOrEqual(20);
  }, 600_000);

  it('keeps a size that is not whole MiB as written, and its start is refused by that size as libvirt refuses it', async () => {
    const file = join(root.dir, 'odd.xml');
    writeFileSync(file, ofRun(variantXml(plain(ODD_SIZES[0]!)), CASES.length));
    const { differ } = await compareSteps(sides, [['define', file], ['start', nameOf(CASES.length)], ['undefine', nameOf(CASES.length)]]);
    expect(differ).toEqual([]);
  }, 120_000);
});
