import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, DomainEventID, type DomainDriverEvent } from '@tsvirt/api';
import { busyboxRootfs, consoleRoundTrip, containersMissing, echoContainerXML } from '@tsvirt/api/testing';
import './helpers/daemon-suite.js';

const here = dirname(fileURLToPath(import.meta.url));
// driver-lxc's private libvirtd (LXC only, in its own mount namespace: the machine's libvirt untouched)
const PRIVATE_LXC = resolve(here, '../../driver-lxc/test/fixtures/libvirtd-private.sh');
const LIBVIRTD_UP = resolve(here, '../../driver-qemu/scripts/libvirtd-up.sh');
const ci = process.env.CI === 'true';
const why = (ci ? undefined : containersMissing()) ?? (existsSync('/usr/sbin/libvirtd') && existsSync('/usr/bin/qemu-system-x86_64') ? undefined : 'libvirtd or QEMU is not installed');
if (why && !ci) console.log(`console and monitor tests through libvirtd skipped: ${why}`);

describe.skipIf(why !== undefined && !ci)('streams and side programs through Debian\'s libvirtd', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-remote-console-${process.pid}-`));
  let daemon: number;
  let lxcURI: string;
  beforeAll(() => {
    const state = join(dir, 'libvirtd');
    daemon = Number(execFileSync(PRIVATE_LXC, [state], { encoding: 'utf8' }).trim());
    lxcURI = `lxc+unix:///system?socket=${join(state, 'run', 'libvirt-sock')}`;
    execFileSync(LIBVIRTD_UP, { stdio: 'inherit' });
  }, 60_000);
  afterAll(async () => {
    try {
      process.kill(daemon, 'SIGTERM');
    } catch {
      // gone already
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('a container console (REMOTE_PROC_DOMAIN_OPEN_CONSOLE): read, write, and the end when it stops', async () => {
    const conn = await connect(lxcURI);
    try {
      const dom = await conn.createXML(echoContainerXML(`rc${process.pid}`, busyboxRootfs(join(dir, 'rootfs'))));
      expect(await consoleRoundTrip(await dom.openConsole(), 'ping', () => dom.destroy())).toEqual({ echoed: true, ended: true });
    } finally {
      await (await conn.lookupByName(`rc${process.pid}`).catch(() => undefined))?.destroy().catch(() => undefined);
      await conn.close();
    }
  }, 60_000);

  it('qemu-monitor-command through the QEMU program, and a DEVICE_REMOVED event (a non-lifecycle id)', async () => {
    const conn = await connect('qemu+unix:///system');
    const name = `rq${process.pid}`;
    try {
      const dom = await conn.createXML(`<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>
        <os><type arch='x86_64' machine='pc'>hvm</type></os>
        <devices><controller type='scsi' index='0' model='virtio-scsi'/></devices></domain>`);
      const reply = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-status"}')) as { return: { status: string } };
      expect(reply.return.status).toBe('running');
      const hmp = await dom.qemuMonitorCommand('info status', 1);
      expect(hmp).toContain('VM status: running');
      // the guest agent's command goes through the QEMU program too: libvirtd answers that this guest has none
      await expect(dom.qemuAgentCommand('{"execute":"guest-ping"}')).rejects.toThrow('QEMU guest agent is not configured');
      // the other domain event ids (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY): a disk attached, then removed
      const disk = join(dir, 'disk.img');
      writeFileSync(disk, Buffer.alloc(1024 * 1024));
      const seen: DomainDriverEvent[] = [];
      const stop = await conn.domainEventRegisterAny(dom, DomainEventID.DEVICE_REMOVED, (_d, e) => seen.push(e));
      const xml = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${disk}'/><target dev='sda' bus='scsi'/></disk>`;
      await dom.attachDeviceFlags(xml, 1);
      await dom.detachDeviceFlags(xml, 1);
      for (let i = 0; i < 200 && !seen.length; i++) await new Promise((r) => setTimeout(r, 50));
      stop();
      expect(seen).toEqual([{ eventID: DomainEventID.DEVICE_REMOVED, domain: expect.objectContaining({ name }), devAlias: 'scsi0-0-0-0' }]);
    } finally {
      // a transient guest: destroying it removes it, whatever failed above
      await (await conn.lookupByName(name).catch(() => undefined))?.destroy().catch(() => undefined);
      await conn.close();
    }
  }, 60_000);
});
