// Virtio consoles of running TCG guests beside libvirt's own QEMU driver (Debian's libvirtd 9.0,
// qemu:///system): the live XML of several consoles (the `tty` only on a serial port's copy and a
// console on virtio-serial port 0; a plugged console's port, alias and tty), and detach-device
// --config and --live --config of a console whose XML names no port, which libvirt numbers past
// the live consoles of its target type and so may find in the definition (or find a serial port's
// copy and leave the definition as it was). Each step's answer byte for byte, then both live and
// inactive `<devices>`, ptys masked.
import { describe, expect, it } from 'vitest';
import { compareSteps, oracleSkipped } from './oracle-steps.js';
import { oracleSuite, sameDevices } from './oracle-sides.js';

const RUN = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
/** A serial port (its console copy) and a virtio-serial bus without consoles; three virtio consoles. */
const SERIAL = `tsvirt-conlive-serial-${RUN}`;
const THREE = `tsvirt-conlive-three-${RUN}`;

const domainXml = (name: string, devices: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`;
const VIRTIO = "<console type='pty'><target type='virtio'/></console>";

const FILES: Readonly<Record<string, string>> = {
  serial: domainXml(SERIAL, "<serial type='pty'/><controller type='virtio-serial' index='0'/>"),
  three: domainXml(THREE, `<serial type='pty'/>${VIRTIO.repeat(3)}`),
  noPort: VIRTIO,
};

describe.skipIf(oracleSkipped('console-live-oracle'))("virtio consoles of running guests beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  const suite = oracleSuite(FILES, { domains: [SERIAL, THREE] });

  const same = (name: string, ...flags: string[]): Promise<string> => sameDevices(suite, name, ...flags);
  const run = async (steps: string[][], done: RegExp, count: number): Promise<void> => {
    const { differ, transcript } = await compareSteps(suite.sides, steps);
    expect(differ).toEqual([]);
    expect(transcript.match(done) ?? []).toHaveLength(count);
  };
  const noPort = (verb: string, name: string, ...flags: string[]): string[] => [verb, name, 'DIR/noPort.xml', ...flags];

  it('starts several consoles with the live XML libvirt gives them', async () => {
    await run([['define', 'DIR/three.xml'], ['start', THREE], ['define', 'DIR/serial.xml'], ['start', SERIAL]], /started/g, 2);
    expect((await same(THREE)).match(/ tty=/g)).toHaveLength(2);
    await same(SERIAL);
  }, 600_000);

  it('takes a serial port\'s copy for a portless console when no virtio console runs, and leaves the definition as it was', async () => {
    await run([noPort('attach-device', SERIAL, '--config'), noPort('detach-device', SERIAL, '--config'), noPort('detach-device', SERIAL, '--config')],
      /detached successfully/g, 2);
    expect(await same(SERIAL, '--inactive')).toContain("<target type='virtio' port='1'/>");
  }, 600_000);

  it('plugs consoles with the port, alias and tty libvirt gives them', async () => {
    await run([noPort('attach-device', SERIAL, '--live'), noPort('attach-device', SERIAL, '--live'), noPort('attach-device', THREE, '--live')], /attached successfully/g, 3);
    expect(await same(SERIAL)).toContain("<alias name='console1'/>");
    await same(THREE);
  }, 600_000);

  it('finds a portless console in the definition past the live consoles of its type, as libvirt does', async () => {
    await run([
      noPort('attach-device', SERIAL, '--config'), noPort('attach-device', SERIAL, '--config'),
      // two live virtio consoles: port 2 of the definition, numbered afresh each time
      noPort('detach-device', SERIAL, '--config'), noPort('detach-device', SERIAL, '--config'),
      noPort('detach-device', SERIAL, '--live', '--config'),
    ], /detached successfully/g, 2);
    await same(SERIAL, '--inactive');
    await same(SERIAL);
  }, 600_000);
});
