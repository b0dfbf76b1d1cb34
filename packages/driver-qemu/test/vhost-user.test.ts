import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@tsvirt/api';
import { TestRoot } from './helpers.js';

let root: TestRoot;
let conn: Connection;
let qsd: ChildProcess | undefined;
let socket: string;

/** A guest whose memory a vhost-user backend can map (memfd, shared) unless `memory` says otherwise. */
function guest(name: string, disk: string, memory = "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"): string {
  return `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>${memory}<vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices>${disk}</devices></domain>`;
}
const vhostDisk = (extra = '', bus = 'virtio'): string =>
  `<disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/><source type='unix' path='${socket}'/><target dev='vda' bus='${bus}'/>${extra}</disk>`;

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
  const image = join(root.dir, 'vu.img');
  writeFileSync(image, Buffer.alloc(8 << 20));
  socket = join(root.dir, 'vu.sock');
  // QEMU's storage daemon is a real vhost-user-blk backend (Debian ships it with qemu-system).
  qsd = spawn('qemu-storage-daemon', [
    '--blockdev', `driver=file,node-name=file0,filename=${image}`,
    '--export', `type=vhost-user-blk,id=exp0,node-name=file0,addr.type=unix,addr.path=${socket},writable=on`,
  ], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
});
afterAll(async () => {
  for (const d of await conn.listAllDomains(1)) await d.destroy();
  qsd?.kill('SIGKILL');
  await root.cleanup();
});

describe('vhost-user disks', () => {
  it('runs a guest on a vhost-user-blk backend, its memory a shared memfd', async () => {
    expect(existsSync(socket)).toBe(true);
    const dom = await conn.createXML(guest('vu1', vhostDisk("<boot order='1'/>")));
    const peripherals = JSON.parse(await dom.qemuMonitorCommand('{"execute":"qom-list","arguments":{"path":"/machine/peripheral"}}')).return as Array<{ name: string }>;
    expect(peripherals.map((p) => p.name)).toContain('virtio-disk0');
    const type = JSON.parse(await dom.qemuMonitorCommand('{"execute":"qom-get","arguments":{"path":"/machine/peripheral/virtio-disk0","property":"type"}}')).return;
    expect(type).toBe('vhost-user-blk-pci');
    const memdev = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-memdev"}')).return as Array<{ id: string; share: boolean }>;
    expect(memdev).toEqual([expect.objectContaining({ id: 'pc.ram', share: true })]);
    const backend = JSON.parse(await dom.qemuMonitorCommand('{"execute":"qom-get","arguments":{"path":"/objects/pc.ram","property":"type"}}')).return;
    expect(backend).toBe('memory-backend-memfd');
    expect(await dom.getState()).toEqual([1, 1]);
    await dom.destroy();
  });

  it('runs one on a guest NUMA node whose memory is shared through a file of the run directory', async () => {
    const numa = "<cpu><numa><cell id='0' cpus='0' memory='64' unit='MiB' memAccess='shared'/></numa></cpu>";
    const dom = await conn.createXML(guest('vu2', vhostDisk(), numa));
    const path = JSON.parse(await dom.qemuMonitorCommand('{"execute":"qom-get","arguments":{"path":"/objects/ram-node0","property":"mem-path"}}')).return as string;
    const status = root.statuses().find((s) => s['name'] === 'vu2')!;
    expect(path).toBe(join(status['runDir'] as string, 'ram-node0'));
    expect(JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-memdev"}')).return).toEqual([expect.objectContaining({ id: 'ram-node0', share: true })]);
    await dom.destroy();
    expect(existsSync(path)).toBe(false);
  });

  it("refuses what libvirt refuses for a vhostuser disk, in its words", async () => {
    const refusals: Array<[string, string]> = [
      [guest('r1', vhostDisk(), ''), "unsupported configuration: 'vhostuser disk' requires shared memory"],
      [guest('r2', vhostDisk('', 'sata')), 'unsupported configuration: vhostuser disk supports only virtio bus'],
      [guest('r3', vhostDisk('<readonly/>')), 'unsupported configuration: readonly is not supported with vhostuser disk'],
      [guest('r4', vhostDisk('<shareable/>')), 'unsupported configuration: shareable is not supported with vhostuser disk'],
      [guest('r5', vhostDisk('<serial>abc</serial>')), 'unsupported configuration: serial is not supported with vhostuser disk'],
      [guest('r6', vhostDisk().replace("type='raw'/>", "type='raw' cache='none'/>")), 'unsupported configuration: cache is not supported with vhostuser disk'],
    ];
    for (const [xml, message] of refusals) await expect(conn.defineXML(xml), message).rejects.toThrow(message);
    expect(root.statuses()).toEqual([]);
  });
});

describe('virtiofs', () => {
  const fsXml = (extra = ''): string => `<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs' queue='1024'/>
    <binary path='/usr/lib/qemu/virtiofsd' xattr='on'><cache mode='always'/><sandbox mode='chroot'/></binary>
    <source dir='${root.dir}'/><target dir='share0'/>${extra}</filesystem>`;
  const virtiofsds = (): number[] => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    const cmd = (() => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    return cmd.includes('virtiofsd') && cmd.includes(`--socket-path=${root.dir}/`) ? [Number(p)] : [];
  });

  it('starts virtiofsd before QEMU, QEMU has the vhost-user-fs device, and both go on destroy', async () => {
    const dom = await conn.createXML(guest('fs1', fsXml()));
    const type = JSON.parse(await dom.qemuMonitorCommand('{"execute":"qom-get","arguments":{"path":"/machine/peripheral/fs0","property":"type"}}')).return;
    expect(type).toBe('vhost-user-fs-pci');
    expect(virtiofsds()).toHaveLength(1);
    await dom.destroy();
    expect(virtiofsds()).toEqual([]);
  });

  it("refuses read-only virtiofs and virtiofs without shared memory, in libvirt's words", async () => {
    await expect(conn.defineXML(guest('fs2', fsXml('<readonly/>')))).rejects.toThrow('virtiofs does not yet support read-only mode');
    await expect(conn.defineXML(guest('fs3', fsXml(), ''))).rejects.toThrow("'virtiofs' requires shared memory");
  });
});
