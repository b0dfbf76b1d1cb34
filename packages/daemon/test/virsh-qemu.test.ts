import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Whether a process lives (a zombie does not count). */
const alive = (pid: number): boolean => {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
import { startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const ci = process.env['CI'] === 'true';
const missing = [QEMU, '/usr/bin/virsh', '/usr/bin/qemu-img'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping the QEMU tests through tsvirtd: ${missing.join(', ')} not installed`);
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

const domainXml = (name: string): string => `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <devices><controller type='scsi' index='0' model='virtio-scsi'/></devices>
</domain>`;

describe.skipIf(missing.length > 0 && !ci)('Debian virsh drives real QEMU through tsvirtd (qemu+unix:///system)', () => {
  let d: DaemonProcess;
  let uri: string;
  const virsh = (cmd: string) => {
    const r = spawnSync('/usr/bin/virsh', ['-c', uri, cmd], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const qemuPid = (name: string): number => JSON.parse(readFileSync(join(d.root, 'run', 'qemu', `${name}.json`), 'utf8')).data.pid as number;

  beforeAll(async () => {
    d = await startDaemon();
    uri = `qemu+unix:///system?socket=${d.rw}`;
    for (const n of ['q1', 'q2', 'probe']) writeFileSync(join(d.dir, `${n}.xml`), domainXml(n));
    writeFileSync(join(d.dir, 'n1.xml'), `<network><name>n1</name><bridge name='tsvn${process.pid % 10000}'/></network>`);
    spawnSync('/usr/bin/qemu-img', ['create', '-f', 'raw', join(d.dir, 'disk.img'), '8M']);
  });
  afterAll(async () => {
    virsh('destroy q1; destroy q2');
    await d?.dispose();
    // the daemon restarted on the first one's directory does not remove it when disposed
    if (d) rmSync(d.dir, { recursive: true, force: true });
  });

  it('define, start, list, dominfo, attach-disk, detach-disk, destroy; virsh event --loop sees each step', async () => {
    const events: ChildProcess = spawn('/usr/bin/virsh', ['-c', uri, 'event', '--loop', '--all'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const netEvents: ChildProcess = spawn('/usr/bin/virsh', ['-c', uri, 'net-event', '--loop', '--event', 'lifecycle'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let netLog = '';
    netEvents.stdout!.on('data', (b: Buffer) => (netLog += b.toString()));
    let log = '';
    events.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    try {
      // virsh's registration is done once a probe domain's definition reaches it (a fixed sleep
      // is not enough on a loaded machine)
      await waitFor(() => {
        if (log.includes("domain 'probe'")) return true;
        virsh(`define ${join(d.dir, 'probe.xml')}; undefine probe`);
        return false;
      }, 60_000, 'virsh event --loop to register');
      const r = virsh(`define ${join(d.dir, 'q1.xml')}; start q1; list --all; dominfo q1; domstate --reason q1; ` +
        `attach-disk q1 ${join(d.dir, 'disk.img')} sda --live; domblklist q1; detach-disk q1 sda --live; domblklist q1; ` +
        `qemu-monitor-command q1 --pretty '{"execute":"query-status"}'; qemu-monitor-command q1 --hmp 'info status'; destroy q1; list --all`);
      expect(r.err).toBe('');
      expect(r.status).toBe(0);
      expect(r.out).toContain("Domain 'q1' started");
      expect(r.out).toMatch(/^ \d+ +q1 +running$/m);
      expect(r.out).toMatch(/^State: +running$/m);
      expect(r.out).toContain('running (booted)');
      expect(r.out).toContain('Disk attached successfully');
      expect(r.out).toMatch(new RegExp(`^ sda +${join(d.dir, 'disk.img')}$`, 'm'));
      expect(r.out).toContain('"status": "running"'); // the QEMU program's monitor command
      expect(r.out).toContain('VM status: running');
      expect(r.out).toContain("Domain 'q1' destroyed");
      expect(r.out).toMatch(/^ - +q1 +shut off$/m);
      await waitFor(() => log.includes('Stopped Destroyed'), 30_000, 'the destroyed event');
      // the other domain event ids and network events reach the clients too
      expect(log).toMatch(/event 'device-removed' for domain 'q1': \S+/);
      await waitFor(() => {
        if (netLog.includes('network n1:')) return true;
        virsh(`net-define ${join(d.dir, 'n1.xml')}; net-undefine n1`);
        return false;
      }, 60_000, 'the network event');
      expect(netLog).toContain("event 'lifecycle' for network n1: Defined");
      expect(log).toContain("event 'lifecycle' for domain 'q1': Defined Added");
      expect(log).toContain("event 'lifecycle' for domain 'q1': Started Booted");
      expect(log).toContain("event 'lifecycle' for domain 'q1': Stopped Destroyed");
    } finally {
      events.kill();
      netEvents.kill();
    }
  }, 300_000);

  it('send-key, screenshot, dump and the guest agent\'s calls: served, with the driver\'s own answers', () => {
    writeFileSync(join(d.dir, 'q4.xml'), domainXml('q4').replace('<devices>', "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"));
    expect(virsh(`define ${join(d.dir, 'q4.xml')}; start q4`).status).toBe(0);
    try {
      const shot = join(d.dir, 'q4.png');
      const core = join(d.dir, 'q4.core');
      const r = virsh(`send-key q4 KEY_A; screenshot q4 ${shot}; dump q4 ${core} --memory-only`);
      expect(r.err).toBe('');
      expect(r.status).toBe(0);
      expect(r.out).toContain(`Screenshot saved to ${shot}, with type of image/png`);
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
      expect(r.out).toContain(`Domain 'q4' dumped to ${core}`);
      expect(readFileSync(core).subarray(1, 4).toString()).toBe('ELF');
      // tsvirt's remote driver: the image arrives as a stream, the dump goes out as CORE_DUMP
      const tsvirsh = join(dirname(fileURLToPath(import.meta.url)), '../../../tsvirsh');
      const shot2 = join(d.dir, 'q4-remote.png');
      const remote = spawnSync(tsvirsh, ['-c', uri, `screenshot q4 --file ${shot2}; dump q4 ${core}.2 --memory-only; send-key q4 KEY_B`], { encoding: 'utf8', timeout: 120_000 });
      expect(remote.stderr).toBe('');
      expect(remote.stdout).toContain(`Screenshot saved to ${shot2}, with type of image/png\n`);
      expect(remote.stdout).toContain(`Domain 'q4' dumped to ${core}.2\n`);
      expect(readFileSync(shot2).subarray(1, 4).toString()).toBe('PNG');
      // without an agent: the refusals the driver gives a direct client, word for word
      const agentCalls = [
        `qemu-agent-command q4 '{"execute":"guest-ping"}'`, 'domfsinfo q4', 'set-user-password q4 root pw', 'domifaddr q4 --source agent',
        'domfsfreeze q4 /', 'domfsthaw q4', 'domfstrim q4 --minimum 4096', 'get-user-sshkeys q4 root', 'set-user-sshkeys q4 root --reset',
      ];
      for (const cmd of agentCalls) {
        const through = virsh(cmd);
        const direct = spawnSync(tsvirsh, ['-c', `qemu:///embed?root=${d.root}`, cmd], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TSVIRT_DAEMON: '0' } });
        expect(through.status, cmd).toBe(1);
        expect(through.err, cmd).toMatch(/^error: /);
        expect(through.err, cmd).toBe(direct.stderr);
      }
    } finally {
      virsh('destroy q4');
    }
  }, 300_000);

  it('lifecycle actions as libvirtd\'s QEMU driver takes them: preserve refused at define, coredump on a crash', async () => {
    // the refusals, in the words Debian's libvirtd 9.0 gives for qemu:///system
    const refusals: Array<[string, string]> = [
      ['<on_reboot>preserve</on_reboot>', "qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'"],
      ['<on_poweroff>preserve</on_poweroff>', "qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'"],
      ['<on_crash>rename-restart</on_crash>', "qemu driver doesn't support the 'rename-restart' action for 'on_reboot'/'on_poweroff'/'on_crash'"],
      ['<on_poweroff>restart</on_poweroff><on_reboot>destroy</on_reboot>', "qemu driver doesn't support 'onReboot' set to 'destroy and 'onPoweroff' set to 'reboot'"],
    ];
    for (const [actions, words] of refusals) {
      writeFileSync(join(d.dir, 'lc.xml'), domainXml('lc').replace('<devices>', `${actions}<devices>`));
      const r = virsh(`define ${join(d.dir, 'lc.xml')}`);
      expect(r.err, actions).toBe(`error: Failed to define domain from ${join(d.dir, 'lc.xml')}\nerror: unsupported configuration: ${words}\n`);
    }
    // a guest that panics on an NMI (pvpanic): the dump is written to LIBDIR/dump, then destroy or restart
    const disk = join(d.dir, 'panic.img');
    spawnSync('/usr/bin/python3', [join(FIXTURES, 'poweroff-disk.py'), disk, 'panic']);
    const dumps = join(d.root, 'lib', 'qemu', 'dump');
    const listDumps = (): string[] => (existsSync(dumps) ? readdirSync(dumps) : []);
    for (const [name, action] of [['cd1', 'coredump-destroy'], ['cd2', 'coredump-restart']] as const) {
      writeFileSync(join(d.dir, `${name}.xml`), domainXml(name).replace('<devices>', `<on_crash>${action}</on_crash><devices>` +
        `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${disk}'/><target dev='hda' bus='ide'/></disk>` +
        "<panic model='isa'><address type='isa' iobase='0x505'/></panic>"));
      expect(virsh(`define ${join(d.dir, `${name}.xml`)}; start ${name}`).status).toBe(0);
      const before = listDumps().length;
      // the NMI panics the guest once its boot sector runs: again each second until it does
      let nmiAt = 0;
      await waitFor(() => {
        if (listDumps().length > before) return true;
        if (Date.now() - nmiAt > 1000) {
          expect(virsh(`inject-nmi ${name}`).status).toBe(0);
          nmiAt = Date.now();
        }
        return false;
      }, 60_000, `the dump of ${name}`);
      const file = listDumps().find((f) => f.includes(`-${name}-`))!;
      expect(file).toMatch(new RegExp(`^\\d+-${name}-\\d{4}-\\d\\d-\\d\\d-\\d\\d:\\d\\d:\\d\\d$`));
      await waitFor(() => readFileSync(join(dumps, file)).length > 4, 30_000, 'the dump to be written');
      expect(readFileSync(join(dumps, file)).subarray(1, 4).toString()).toBe('ELF');
      const want = action === 'coredump-destroy' ? 'shut off (crashed)' : 'running (crashed)';
      await waitFor(() => virsh(`domstate --reason ${name}`).out.includes(want), 60_000, `${name} ${want}`);
    }
    virsh('destroy cd2');
  }, 300_000);

  // How fast is a benchmark's matter (bench/daemon-bench.mjs); here: the event comes, with libvirt's codes.
  it('python3-libvirt sees a QEMU killed with SIGKILL as a Stopped Failed event', () => {
    expect(virsh(`define ${join(d.dir, 'q2.xml')}; start q2`).status).toBe(0);
    const r = spawnSync('/usr/bin/python3', [join(FIXTURES, 'py-kill-event.py'), uri, 'q2', String(qemuPid('q2'))], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const m = /^event 5 5 after ([\d.]+) ms$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    console.log(`QEMU killed -9 → client event: ${m![1]} ms`);
    expect(r.stdout).toContain('state [5, 3]'); // shut off, crashed: as libvirt reports a QEMU that died
  }, 120_000);

  it('a guest that powers itself off: Stopped Shutdown at a python client, from QEMU\'s own event', () => {
    const disk = join(d.dir, 'poweroff.img');
    spawnSync('/usr/bin/python3', [join(FIXTURES, 'poweroff-disk.py'), disk]);
    writeFileSync(join(d.dir, 'q3.xml'), domainXml('q3').replace('<devices>',
      `<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${disk}'/><target dev='hda' bus='ide'/></disk>`));
    expect(virsh(`define ${join(d.dir, 'q3.xml')}; start q3`).status).toBe(0);
    const r = spawnSync('/usr/bin/python3', [join(FIXTURES, 'py-kill-event.py'), uri, 'q3', 'poweroff'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const m = /^event 5 0 after ([\d.]+) ms$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    console.log(`guest power-off → client event: ${m![1]} ms`);
    expect(r.stdout).toContain('state [5, 1]'); // shut off, shutdown
  }, 120_000);

  it('tsvirtd killed -9 and restarted with domains running: each kept its state, one killed meanwhile is found crashed, the rest still managed', async () => {
    const defines = ['k1', 'k2', 'k3'].map((n) => {
      writeFileSync(join(d.dir, `${n}.xml`), domainXml(n));
      return `define ${join(d.dir, `${n}.xml`)}`;
    }).join('; ');
    expect(virsh(`${defines}; start k1; start k2; start k3; suspend k2`).err).toBe('');
    const pids = { k1: qemuPid('k1'), k2: qemuPid('k2'), k3: qemuPid('k3') };
    await d.stop('SIGKILL');
    expect([alive(pids.k1), alive(pids.k2)]).toEqual([true, true]);
    // dies while no daemon watches it
    process.kill(pids.k3, 'SIGKILL');
    await waitFor(() => !alive(pids.k3), 10_000, 'QEMU to exit');
    d = await startDaemon([], d.dir);
    const r = virsh('list --all; domstate --reason k1; domstate --reason k2; domstate --reason k3; dominfo k1');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^ \d+ +k1 +running$/m);
    expect(r.out).toMatch(/^ \d+ +k2 +paused$/m);
    expect(r.out).toMatch(/^ - +k3 +shut off$/m);
    expect(r.out).toContain('running (booted)\n\npaused (user)\n\nshut off (crashed)\n');
    expect([qemuPid('k1'), qemuPid('k2')]).toEqual([pids.k1, pids.k2]);
    // and one killed under the new daemon is found crashed too
    process.kill(pids.k2, 'SIGKILL');
    await waitFor(() => virsh('domstate --reason k2').out.includes('shut off (crashed)'), 15_000, 'k2 to be found crashed');
    const destroyed = virsh('destroy k1');
    expect(destroyed.err).toBe('');
    expect(destroyed.out).toContain("Domain 'k1' destroyed");
    await waitFor(() => !alive(pids.k1), 10_000, 'QEMU to exit');
  }, 120_000);
});
