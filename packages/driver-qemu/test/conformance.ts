import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDomainXML, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { VNC_PORT_MIN } from '../src/command/device-args.js';
import { buildCommandLine } from '../src/command/qemu-command.js';
import type { HugepageContext } from '../src/command/memory-args.js';
import type { DriverContext } from '../src/driver/driver-context.js';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { resolveDisksForStart } from '../src/driver/resolve-disks.js';
import { selectFirmware } from '../src/firmware/firmware-select.js';
import { devicesOf } from '../src/devices/typed-devices.js';
import { isHostScsi } from '../src/shared-disks/scsi-host-device.js';
import { TAP_TYPES } from '../src/network/interface-plug.js';

/** libvirt's test harness: its firmware descriptors (copied into fixtures) and its NVRAM directory. */
const FIRMWARE_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/firmware');
const LIBVIRT_TEST_FIRMWARE = {
  descriptorDirs: [join(FIRMWARE_FIXTURES, 'usr/share/qemu/firmware'), join(FIRMWARE_FIXTURES, 'etc/qemu/firmware')],
  nvramDir: '/var/lib/libvirt/qemu/nvram',
};

/** libvirt's test data beside the repository (`../shared/libvirt-tests/domain`). */
export const DOMAIN_CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/libvirt-tests/domain');
const SUFFIX = '.x86_64-latest';

export interface CaseResult {
  readonly name: string;
  /** undefined on an exact match, else why not. */
  readonly failure: string | undefined;
}

const read = (...p: string[]): string => readFileSync(join(DOMAIN_CORPUS, ...p), 'utf8');
const casesWith = (dir: string, ending: string): string[] =>
  existsSync(join(DOMAIN_CORPUS, dir)) ? readdirSync(join(DOMAIN_CORPUS, dir)).filter((f) => f.endsWith(ending)).map((f) => f.slice(0, -ending.length)).sort() : [];

function attempt(name: string, fn: () => string | undefined): CaseResult {
  try {
    return { name, failure: fn() };
  } catch (e) {
    return { name, failure: `threw ${(e as Error).message}` };
  }
}

/** Define-time defaults: in/NAME.xml defined by this driver and formatted must equal out/NAME.x86_64-latest.xml. */
export function xmlConformance(): CaseResult[] {
  return casesWith('out', `${SUFFIX}.xml`).filter((n) => existsSync(join(DOMAIN_CORPUS, 'in', `${n}.xml`))).map((name) =>
    attempt(name, () => {
      const def = parseQemuDomain(read('in', `${name}.xml`), false);
      return formatDomainXML(def, { inactive: true }) === read('out', `${name}${SUFFIX}.xml`) ? undefined : 'output differs';
    }));
}

/** The words of a libvirt `.args` file: shell quoting, one argument or option and value per line. */
export function argsWords(text: string): string[] {
  const words: string[] = [];
  for (const line of text.replace(/ \\\n/g, '\n').split('\n')) {
    for (const m of line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : m[2]!);
  }
  const binary = words.findIndex((w) => w.startsWith('/') && w.includes('qemu-system'));
  return words.slice(binary + 1);
}

/** The hugetlbfs mounts of libvirt's test harness: 2 MiB pages (the default) and 1 GiB pages. */
const LIBVIRT_TEST_HUGEPAGES = (name: string): HugepageContext => ({
  defaultHugepageKiB: 2048,
  runName: `-1-${name.slice(0, 20)}`,
  hugepageDir: (kib) => ({ 2048: '/dev/hugepages2M', 1048576: '/dev/hugepages1G' })[kib],
  memoryDir: `/var/lib/libvirt/qemu/ram/-1-${name.slice(0, 20)}`,
  checkHostNodes: mockHostNodes,
});

/** libvirt's test harness mocks a host with NUMA nodes 0-7 and refuses others in its mock's words. */
function mockHostNodes(nodes: readonly number[]): void {
  const bad = nodes.find((n) => n > 7);
  if (bad !== undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `Mock: no numa node set is available at bit ${bad}`, ErrorDomain.NONE);
}

/** What libvirt's test harness passes for a domain's run: its paths, and listening sockets (the monitor's among them) handed over as fd 1729. */
export async function libvirtTestCommandLine(def: DomainDef): Promise<string[]> {
  // libvirt names a run's directory after the first 20 characters of the domain's name.
  const dir = `/tmp/lib/domain--1-${def.name.slice(0, 20)}`;
  const drv = { volumePath: () => Promise.reject(new Error('no storage driver in the conformance run')) } as unknown as DriverContext;
  await selectFirmware(def, LIBVIRT_TEST_FIRMWARE);
  const disks = await resolveDisksForStart(drv, def.devices, def.os.boot);
  let nextSet = 0;
  return buildCommandLine(def, {
    accel: def.type === 'kvm' ? 'kvm' : 'tcg', monitorPath: `${dir}/monitor.sock`,
    masterKeyFile: `${dir}/master-key.aes`, disks, vncPort: VNC_PORT_MIN, hugepages: LIBVIRT_TEST_HUGEPAGES(def.name),
    // libvirt's test harness names every emulated TPM's swtpm socket /dev/test.
    tpmEmulatorSocket: '/dev/test',
    // ... and finds every host adapter's SCSI LUN at /dev/sg0.
    scsiSgPaths: new Map(devicesOf(def.devices, 'hostdev').flatMap((h, i) => (isHostScsi(h) ? [[i, '/dev/sg0'] as const] : []))),
    // ... and shows every listening socket the driver makes and passes as fd 1729, a chardev's file as fd 1750 and its log as 1751,
    hostFds: { listen: () => 1729, file: (_path, _append, role) => ({ set: nextSet++, fd: role === 'log' ? 1751 : 1750 }) },
    // ... and has qemu.conf's spice_password set, and a mocked DRM render node,
    spiceDefaultPassword: true,
    renderNode: () => '/dev/dri/foo',
    // ... and the vsock device's descriptor as fd 6789, an automatic context id being 42,
    vsock: devicesOf(def.devices, 'vsock').map((v) => ({ fd: 6789, cid: v.cid?.auto === true ? 42 : (v.cid?.address ?? 0) }))[0],
    // ... and each interface's tap as fd 3, with vhost-net as fd 44 for a virtio NIC not asking for QEMU's own.
    taps: devicesOf(def.devices, 'interface').flatMap((nic, index) => (TAP_TYPES.has(nic.type)
      ? [{ index, tap: `vnet${index}`, fds: [3], vhostfds: nic.model === 'virtio' && nic.driver?.name !== 'qemu' ? [44] : [] }] : [])),
  });
}

/** Command lines: in/NAME.xml through define and the command builder must give in/NAME.x86_64-latest.args word for word. */
export async function argsConformance(): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const name of casesWith('in', `${SUFFIX}.args`)) {
    let failure: string | undefined;
    try {
      const got = await libvirtTestCommandLine(parseQemuDomain(read('in', `${name}.xml`), false));
      const want = argsWords(read('in', `${name}${SUFFIX}.args`));
      const at = want.findIndex((w, i) => got[i] !== w);
      failure = at < 0 && got.length === want.length ? undefined : `word ${at}: want ${want[at]} got ${got[at]}`;
    } catch (e) {
      failure = `threw ${(e as Error).message}`;
    }
    out.push({ name, failure });
  }
  return out;
}

/**
 * Refusals: in/NAME.xml, defined and built into a command line, must fail with exactly the
 * message of in/NAME.x86_64-latest.err (libvirt's words for its QEMU-level checks).
 */
export async function errConformance(): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const name of casesWith('in', `${SUFFIX}.err`).filter((n) => existsSync(join(DOMAIN_CORPUS, 'in', `${n}.xml`)))) {
    const want = read('in', `${name}${SUFFIX}.err`).trim();
    let failure: string | undefined;
    try {
      await libvirtTestCommandLine(parseQemuDomain(read('in', `${name}.xml`), false));
      failure = `accepted; want ${want}`;
    } catch (e) {
      const got = (e as Error).message;
      failure = got === want ? undefined : `want ${want} got ${got}`;
    }
    out.push({ name, failure });
  }
  return out;
}
