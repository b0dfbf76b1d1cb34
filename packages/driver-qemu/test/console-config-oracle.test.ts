// Consoles in a definition beside libvirt's own QEMU driver (Debian's libvirtd 9.0,
// qemu:///system): the ports and addresses a define gives virtio and serial consoles (the first
// copied from a serial port, or a serial port made for it), the virtio-serial ports channels and
// consoles name (refused when taken twice or past the controller's), then attach-device and
// detach-device --config (and --live --config on a running TCG guest) of virtio consoles by their
// XML, with a port or a virtio-serial address of their own or none, beside consoles whose stored
// port is past the rest: each step's answer byte for byte (libvirt's refusals and its words for a
// console none matches) and both inactive `<devices>` after each part. Running guests' consoles:
// console-live-oracle.
import { describe, expect, it } from 'vitest';
import { compareSteps, oracleSkipped } from './oracle-steps.js';
import { oracleSuite, sameDevices } from './oracle-sides.js';

const RUN = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
/** One domain per way its first console comes: copied from a serial port, a serial console asking for a port, a virtio console alone. */
const COPIED = `tsvirt-console-copied-${RUN}`;
const SERIAL = `tsvirt-console-serial-${RUN}`;
const VIRTIO = `tsvirt-console-virtio-${RUN}`;
const LIVE = `tsvirt-console-live-${RUN}`;
const STORED = `tsvirt-console-stored-${RUN}`;
const PORTS = `tsvirt-console-ports-${RUN}`;

const domainXml = (name: string, devices: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`;

const virtio = (port?: number, source = ''): string => `<console type='pty'>${source}<target type='virtio'${port === undefined ? '' : ` port='${port}'`}/></console>`;

const DOMAINS: Readonly<Record<string, string>> = {
  copied: domainXml(COPIED, `<serial type='pty'/>${virtio()}${virtio(5)}`),
  serial: domainXml(SERIAL, `<console type='pty'><target type='serial' port='2'/></console>${virtio(7)}${virtio()}`),
  virtio: domainXml(VIRTIO, `${virtio()}<console type='file'><source path='/tmp/c.log'/><target type='virtio'/></console>`),
  live: domainXml(LIVE, `<serial type='pty'/>${virtio()}`),
  stored: domainXml(STORED, virtio()),
};

/** A virtio console or channel on virtio-serial port `port` of controller `controller`. */
const onPort = (kind: 'console' | 'channel', port: number, controller = 0): string => `<${kind} type='pty'><target type='virtio'${kind === 'channel' ? ` name='org.example.${kind}${port}'` : ''}/>`
  + `<address type='virtio-serial' controller='${controller}' bus='0' port='${port}'/></${kind}>`;

/** Definitions whose channels and consoles name virtio-serial ports: taken twice, past the controller's, or port 0 (none). */
const PORT_DEFINITIONS: Readonly<Record<string, string>> = {
  portsMixed: domainXml(PORTS, onPort('console', 1) + onPort('channel', 1)),
  portsChannels: domainXml(PORTS, onPort('channel', 2) + onPort('channel', 2).replace('channel2', 'other')),
  portsControllers: domainXml(PORTS, onPort('channel', 2) + onPort('channel', 2, 1).replace('channel2', 'other')),
  portsConsoles: domainXml(PORTS, onPort('console', 3) + onPort('console', 3)),
  portsZero: domainXml(PORTS, onPort('console', 0) + onPort('console', 0) + onPort('channel', 0) + onPort('channel', 0).replace('channel0', 'other')),
  portsFew: domainXml(PORTS, `<controller type='virtio-serial' index='0' ports='4'/>${onPort('channel', 5)}`),
  portsPast: domainXml(PORTS, onPort('channel', 31)),
  portsLast: domainXml(PORTS, onPort('channel', 30)),
  portsFirstWrong: domainXml(PORTS, onPort('channel', 3) + onPort('console', 3) + onPort('channel', 40)),
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
  addr7: onPort('console', 7),
};

describe.skipIf(oracleSkipped('console-config-oracle'))("virtio consoles in a definition beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  const suite = oracleSuite({ ...DOMAINS, ...FILES, ...PORT_DEFINITIONS }, { domains: [COPIED, SERIAL, VIRTIO, LIVE, STORED, PORTS] });

  const same = (name: string): Promise<string> => sameDevices(suite, name, '--inactive');
  const run = async (steps: string[][], attached: number, detached: number): Promise<void> => {
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(/Device attached successfully/g) ?? []).toHaveLength(attached);
    expect(transcript.match(/Device detached successfully/g) ?? []).toHaveLength(detached);
  };
  const config = (verb: string, name: string, files: readonly string[]): string[][] => files.map((f) => [verb, name, `DIR/${f}.xml`, '--config']);

  it('numbers consoles by their place and gives virtio ones no address at define', async () => {
    await run(['copied', 'serial', 'virtio'].map((d) => ['define', `DIR/${d}.xml`]), 0, 0);
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

  it('refuses virtio-serial ports taken twice or past the controller\'s, and gives a channel naming port 0 one', async () => {
    let defined = 0;
    for (const d of Object.keys(PORT_DEFINITIONS)) {
      const { differ, transcript } = await compareSteps(suite.sides, [['define', `DIR/${d}.xml`]]);
      expect(differ).toEqual([]);
      if (!transcript.includes('defined')) continue;
      defined++;
      await same(PORTS);
      expect((await compareSteps(suite.sides, [['undefine', PORTS]])).differ).toEqual([]);
    }
    expect(defined).toBe(3);
  }, 600_000);

  it('numbers a console attached with --config last, beside a stored port past the rest, and refuses a taken virtio-serial port', async () => {
    await run([['define', 'DIR/stored.xml'], ...config('attach-device', STORED, ['port9', 'noPort', 'addr7', 'addr7', 'noPort', 'noPort'])], 5, 0);
    expect(await same(STORED)).toContain("<target type='virtio' port='4'/>");
  }, 600_000);
});
