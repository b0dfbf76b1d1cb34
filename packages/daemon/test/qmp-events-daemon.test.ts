import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const ci = process.env['CI'] === 'true';
const missing = [QEMU, '/usr/bin/virsh', '/usr/bin/qemu-img'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping QMP events through tsvirtd: ${missing.join(', ')} not installed`);

/** Boot-sector code run at once: the guest resets the PC (keyboard controller) or powers it off (ACPI PM1a, S5). */
const REBOOT = [0xb0, 0xfe, 0xe6, 0x64];
const POWER_OFF = [0xba, 0x04, 0x06, 0xb8, 0x00, 0x20, 0xef];
/** … or reports a panic to the ISA pvpanic device (port 0x505). */
const PANIC = [0xba, 0x05, 0x05, 0xb0, 0x01, 0xee];
const HALT = [0xf4, 0xeb, 0xfd];
const PVPANIC = "<panic model='isa'><address type='isa' iobase='0x505'/></panic>";

function bootSector(code: number[]): Buffer {
  const b = Buffer.alloc(512);
  Buffer.from([...code, ...HALT]).copy(b);
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

const domainXml = (name: string, extra = '', disk = ''): string => `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  ${extra}
  <devices>${disk}</devices>
</domain>`;

const ideDisk = (path: string): string =>
  `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${path}'/><target dev='hda' bus='ide'/></disk>`;

// The QEMU driver's own handling of each event is driver-qemu's qmp-events.test.ts; here: the daemon
// holds the monitors, acts on what QEMU reports with nobody calling, and a real client (Debian's
// `virsh event --loop --all`) is told.
describe.skipIf(missing.length > 0 && !ci)('QMP events and lifecycle actions through tsvirtd, seen by virsh event --loop', () => {
  let d: DaemonProcess;
  let uri: string;
  let events: ChildProcess;
  let log = '';
  const virsh = (cmd: string) => {
    const r = spawnSync('/usr/bin/virsh', ['-c', uri, cmd], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const lines = (name: string): string[] => log.split('\n').filter((l) => l.includes(` for domain '${name}'`));
  const define = (name: string, extra = '', disk = '') => {
    const path = join(d.dir, `${name}.xml`);
    writeFileSync(path, domainXml(name, extra, disk));
    return path;
  };
  const sector = (name: string, code: number[]) => {
    const path = join(d.dir, `${name}.img`);
    writeFileSync(path, bootSector(code));
    return path;
  };

  beforeAll(async () => {
    d = await startDaemon();
    uri = `qemu+unix:///system?socket=${d.rw}`;
    events = spawn('/usr/bin/virsh', ['-c', uri, 'event', '--loop', '--all'], { stdio: ['ignore', 'pipe', 'pipe'] });
    events.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    // registered once a probe's definition reaches it (a fixed sleep is not enough under load)
    const probe = define('probe');
    await waitFor(() => {
      if (log.includes("domain 'probe'")) return true;
      virsh(`define ${probe}; undefine probe`);
      return false;
    }, 60_000, 'virsh event --loop to register');
  }, 120_000);
  afterAll(async () => {
    events?.kill();
    virsh('destroy s1; destroy off2; destroy rb2; destroy bj1; destroy cr2');
    await d?.dispose();
  });

  it('QEMU stopped and continued behind the driver\'s back: Suspended Paused, Resumed Unpaused; QMP quit: Shutdown after host request', async () => {
    expect(virsh(`create ${define('s1')}`).status).toBe(0);
    expect(virsh(`qemu-monitor-command s1 '{"execute":"stop"}'`).status).toBe(0);
    await waitFor(() => lines('s1').some((l) => l.endsWith('Suspended Paused')), 30_000, 'Suspended');
    // a pause nobody asked the driver for: libvirt's reason is unknown (its event detail still PAUSED)
    expect(virsh('domstate --reason s1').out).toBe('paused (unknown)\n\n');
    expect(virsh(`qemu-monitor-command s1 '{"execute":"cont"}'`).status).toBe(0);
    await waitFor(() => lines('s1').some((l) => l.endsWith('Resumed Unpaused')), 30_000, 'Resumed');
    expect(virsh(`qemu-monitor-command s1 '{"execute":"system_reset"}'`).status).toBe(0);
    await waitFor(() => lines('s1').includes("event 'reboot' for domain 's1'"), 30_000, 'the reboot event');
    virsh(`qemu-monitor-command s1 '{"execute":"quit"}'`);
    await waitFor(() => lines('s1').some((l) => l.endsWith('Stopped Shutdown')), 30_000, 'Stopped');
    expect(lines('s1').filter((l) => l.includes("'lifecycle'"))).toEqual([
      "event 'lifecycle' for domain 's1': Resumed Unpaused",
      "event 'lifecycle' for domain 's1': Started Booted",
      "event 'lifecycle' for domain 's1': Suspended Paused",
      "event 'lifecycle' for domain 's1': Resumed Unpaused",
      "event 'lifecycle' for domain 's1': Shutdown Finished after host request",
      "event 'lifecycle' for domain 's1': Stopped Shutdown",
    ]);
  }, 120_000);

  it('on_reboot destroy: a guest resetting itself is shut down, Shutdown after guest request then Stopped Shutdown', async () => {
    const path = define('rb1', '<on_reboot>destroy</on_reboot>', ideDisk(sector('rb1', REBOOT)));
    expect(virsh(`define ${path}; start rb1`).status).toBe(0);
    await waitFor(() => lines('rb1').some((l) => l.endsWith('Stopped Shutdown')), 60_000, 'Stopped');
    expect(lines('rb1').filter((l) => l.includes("'lifecycle'"))).toEqual([
      "event 'lifecycle' for domain 'rb1': Defined Added",
      "event 'lifecycle' for domain 'rb1': Resumed Unpaused",
      "event 'lifecycle' for domain 'rb1': Started Booted",
      "event 'lifecycle' for domain 'rb1': Shutdown Finished after guest request",
      "event 'lifecycle' for domain 'rb1': Stopped Shutdown",
    ]);
    expect(virsh('domstate --reason rb1').out).toBe('shut off (shutdown)\n\n');
  }, 120_000);

  it('on_reboot restart (the default): a guest resetting itself is a reboot event and keeps running', async () => {
    expect(virsh(`create ${define('rb2', '', ideDisk(sector('rb2', REBOOT)))}`).status).toBe(0);
    await waitFor(() => lines('rb2').includes("event 'reboot' for domain 'rb2'"), 60_000, 'the reboot event');
    expect(virsh('domstate rb2').out).toBe('running\n\n');
    expect(virsh('destroy rb2').status).toBe(0);
  }, 120_000);

  it('on_poweroff restart: a guest powering itself off is reset and runs on', async () => {
    expect(virsh(`create ${define('off2', '<on_poweroff>restart</on_poweroff>', ideDisk(sector('off2', POWER_OFF)))}`).status).toBe(0);
    // as libvirtd: the restart is a reboot, never a shutdown, and the domain never leaves running
    await waitFor(() => lines('off2').includes("event 'reboot' for domain 'off2'"), 60_000, 'the reboot event');
    expect(lines('off2').filter((l) => l.includes("'lifecycle'"))).toEqual([
      "event 'lifecycle' for domain 'off2': Resumed Unpaused",
      "event 'lifecycle' for domain 'off2': Started Booted",
    ]);
    expect(virsh('domstate off2').out).toBe('running\n\n');
    expect(virsh('destroy off2').status).toBe(0);
  }, 120_000);

  it('on_crash destroy: a guest that panics is Suspended Paused, Crashed Panicked, then Stopped Crashed, shut off (crashed)', async () => {
    expect(virsh(`create ${define('cr1', '<on_crash>destroy</on_crash>', ideDisk(sector('cr1', PANIC)) + PVPANIC)}`).status).toBe(0);
    await waitFor(() => lines('cr1').some((l) => l.includes('Stopped')), 60_000, 'Stopped');
    expect(lines('cr1').filter((l) => l.includes("'lifecycle'"))).toEqual([
      "event 'lifecycle' for domain 'cr1': Resumed Unpaused",
      "event 'lifecycle' for domain 'cr1': Started Booted",
      "event 'lifecycle' for domain 'cr1': Suspended Paused",
      "event 'lifecycle' for domain 'cr1': Crashed Panicked",
      "event 'lifecycle' for domain 'cr1': Stopped Crashed",
    ]);
  }, 120_000);

  it('on_crash restart: a guest that panics is Crashed Panicked and runs again', async () => {
    expect(virsh(`create ${define('cr2', '<on_crash>restart</on_crash>', ideDisk(sector('cr2', PANIC)) + PVPANIC)}`).status).toBe(0);
    await waitFor(() => lines('cr2').some((l) => l.endsWith('Crashed Panicked')), 60_000, 'Crashed');
    await waitFor(() => virsh('domstate cr2').out === 'running\n\n', 60_000, 'cr2 to run again');
    // it panics again on each boot: destroyed in afterAll
  }, 120_000);

  // libvirtd 9.0 starts QEMU paused (-S) and continues it, so a client sees `Resumed Unpaused`
  // before `Started Booted` on each start; a destroy is `Shutdown Finished after host request` (QEMU's
  // SHUTDOWN on its SIGTERM), then `Stopped Destroyed` (every lifecycle path: lifecycle-oracle.test.ts).
  it('a start and a destroy are told as libvirtd tells them', async () => {
    expect(virsh(`create ${define('st1')}`).status).toBe(0);
    await waitFor(() => lines('st1').some((l) => l.endsWith('Started Booted')), 30_000, 'Started');
    virsh('destroy st1');
    await waitFor(() => lines('st1').some((l) => l.endsWith('Stopped Destroyed')), 30_000, 'Stopped');
    expect(lines('st1').filter((l) => l.includes("'lifecycle'"))).toEqual([
      "event 'lifecycle' for domain 'st1': Resumed Unpaused",
      "event 'lifecycle' for domain 'st1': Started Booted",
      "event 'lifecycle' for domain 'st1': Shutdown Finished after host request",
      "event 'lifecycle' for domain 'st1': Stopped Destroyed",
    ]);
  }, 120_000);

  it('a block copy: the block-job events (BLOCK_JOB_READY, BLOCK_JOB_COMPLETED) reach the client', async () => {
    const src = join(d.dir, 'bj-src.img');
    const dst = join(d.dir, 'bj-dst.img');
    spawnSync('/usr/bin/qemu-img', ['create', '-f', 'raw', src, '8M']);
    const disk = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${src}'/><target dev='vda' bus='virtio'/></disk>`;
    expect(virsh(`create ${define('bj1', '', disk)}`).status).toBe(0);
    const r = virsh(`blockcopy bj1 vda ${dst} --wait --pivot --format raw`);
    expect(r.err).toBe('');
    expect(r.out).toContain('Successfully pivoted');
    await waitFor(() => lines('bj1').some((l) => /^event 'block-job' for domain 'bj1': Block Copy for \S+ completed$/.test(l)), 30_000, 'the completed job');
    expect(lines('bj1')).toContain(`event 'block-job' for domain 'bj1': Block Copy for ${src} ready`);
    expect(lines('bj1')).toContain("event 'block-job-2' for domain 'bj1': Block Copy for vda ready");
    expect(virsh('destroy bj1').status).toBe(0);
  }, 120_000);

  it('a block copy aborted before it is ready: the block-job event says canceled (BLOCK_JOB_CANCELLED)', async () => {
    const src = join(d.dir, 'bj2-src.img');
    // 64 MiB of data at 1 MiB/s: the job is still running when it is aborted (QEMU's mirror may
    // copy its first buffer, up to 16 MiB, before the limit bites)
    writeFileSync(src, randomBytes(64 * 1024 * 1024));
    const disk = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${src}'/><target dev='vda' bus='virtio'/></disk>`;
    expect(virsh(`create ${define('bj2', '', disk)}`).status).toBe(0);
    try {
      const r = virsh(`blockcopy bj2 vda ${join(d.dir, 'bj2-dst.img')} --bandwidth 1 --format raw; blockjob bj2 vda --abort`);
      expect(r.err).toBe('');
      await waitFor(() => lines('bj2').includes(`event 'block-job' for domain 'bj2': Block Copy for ${src} canceled`), 30_000, 'the canceled job');
      expect(lines('bj2')).toContain("event 'block-job-2' for domain 'bj2': Block Copy for vda canceled");
      expect(lines('bj2').some((l) => l.endsWith(' ready') || l.endsWith(' completed')), lines('bj2').join('\n')).toBe(false);
    } finally {
      virsh('destroy bj2');
    }
  }, 120_000);
});
