// Consoles in a definition beside libvirt's own QEMU driver (Debian's libvirtd 9.0,
// qemu:///system): the ports and addresses a define gives virtio and serial consoles (the first
// copied from a serial port, or a serial port made for it), then attach-device and detach-device
// --config (and --live --config on a running TCG guest) of virtio consoles by their XML: each
// step's answer byte for byte (libvirt's refusals and its words for a console none matches) and
// both inactive `<devices>` after each part. Not compared: a console with a virtio-serial address
// of its own, and a detach without a port of a running guest's console (libvirtd numbers the asked
// console past the live consoles there, and its lookup in the definition then may succeed), nor the live XML (libvirtd leaves the `tty` attribute
// off the ptys of virtio consoles past the first).
import { describe, expect, it } from 'vitest';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';
import { domainDevices, maskSide, oracleSuite } from './oracle-sides.js';
import { tsvirsh } from './tsvirsh.js';

const RUN = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
/** One domain per way its first console comes: copied from a serial port, a serial console asking for a port, a virtio console alone. */
const COPIED = `tsvirt-console-copied-${RUN}`;
const SERIAL = `tsvirt-console-serial-${RUN}`;
const VIRTIO = `tsvirt-console-virtio-${RUN}`;
const LIVE = `tsvirt-console-live-${RUN}`;

const domainXml = (name: string, devices: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`;

const virtio = (port?: number, source = ''): string => `<console type='pty'>${source}<target type='virtio'${port === undefined ? '' : ` port='${port}'`}/></console>`;

const DOMAINS: Readonly<Record<string, string>> = {
  copied: domainXml(COPIED, `<serial type='pty'/>${virtio()}${virtio(5)}`),
  serial: domainXml(SERIAL, `<console type='pty'><target type='serial' port='2'/></console>${virtio(7)}${virtio()}`),
  virtio: domainXml(VIRTIO, `${virtio()}<console type='file'><source path='/tmp/c.log'/><target type='virtio'/></console>`),
  live: domainXml(LIVE, `<serial type='pty'/>${virtio()}`),
};

const FILES: Readonly<Record<string, string>> = {
  noPort: virtio(),
  port0: virtio(0),
  port1: virtio(1),
  port2: virtio(2),
  port3: virtio(3),
  port9: virtio(9),
  file: "<console type='file'><source path='/tmp/c.log'/><target type='virtio'/></console>",
  file1: "<console type='file'><source path='/tmp/c.log'/><target type='virtio' port='1'/></console>",
  serialTarget: "<console type='pty'><target type='serial' port='0'/></console>",
};

describe.skipIf(oracleSkipped('console-config-oracle'))("virtio consoles in a definition beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  const suite = oracleSuite({ ...DOMAINS, ...FILES }, { domains: [COPIED, SERIAL, VIRTIO, LIVE] });

  const same = async (name: string): Promise<string> => {
    const args = ['dumpxml', '--inactive', name];
    const theirs = maskSide(domainDevices(systemVirsh(args).stdout), suite.sides.theirs);
    expect(maskSide(domainDevices((await tsvirsh(suite.root.uri, ...args)).stdout), suite.sides.ours)).toBe(theirs);
    return theirs;
  };
  const run = async (steps: string[][], attached: number, detached: number): Promise<void> => {
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device attached successfully/g) ?? []).toHaveLength(attached);
    expect(transcript.match(/Device detached successfully/g) ?? []).toHaveLength(detached);
  };
  const config = (verb: string, name: string, files: readonly string[]): string[][] => files.map((f) => [verb, name, `DIR/${f}.xml`, '--config']);

  it('numbers consoles by their place and gives virtio ones no address at define', async () => {
    await run(Object.keys(DOMAINS).filter((d) => d !== 'live').map((d) => ['define', `DIR/${d}.xml`]), 0, 0);
    expect(await same(COPIED)).toContain("<target type='virtio' port='1'/>");
    await same(SERIAL);
    expect(await same(VIRTIO)).not.toContain("type='virtio-serial' controller");
  }, 600_000);

  it('attaches virtio consoles with --config, numbering them all again, and refuses as libvirt does', async () => {
    await run([
      ...config('attach-device', COPIED, ['noPort', 'port1', 'file', 'serialTarget']),
      ...config('attach-device', SERIAL, ['noPort', 'port9']),
      ...config('attach-device', VIRTIO, ['file1', 'noPort']),
    ], 5, 0);
    for (const name of [COPIED, SERIAL, VIRTIO]) await same(name);
  }, 600_000);

  it('detaches virtio consoles with --config only when their XML names a port, in libvirt\'s words', async () => {
    await run([
      ...config('detach-device', COPIED, ['noPort', 'port9', 'port2', 'file', 'file1', 'port2', 'serialTarget']),
      ...config('detach-device', SERIAL, ['port0', 'port3', 'noPort']),
      ...config('detach-device', VIRTIO, ['port0', 'port0', 'file1']),
    ], 0, 5);
    for (const name of [COPIED, SERIAL, VIRTIO]) await same(name);
  }, 600_000);

  it('plugs and unplugs a virtio console with --live --config: both definitions as libvirt leaves them', async () => {
    await run([
      ['define', 'DIR/live.xml'], ['start', LIVE],
      ['attach-device', LIVE, 'DIR/noPort.xml', '--live', '--config'],
      ['attach-device', LIVE, 'DIR/noPort.xml', '--live', '--config'],
      ['detach-device', LIVE, 'DIR/port2.xml', '--live', '--config'],
    ], 2, 0);
    expect(await same(LIVE)).toContain("<target type='virtio' port='2'/>");
  }, 600_000);
});
