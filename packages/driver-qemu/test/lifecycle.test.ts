import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainCreateFlags, DomainRunningReason, DomainState, DomainShutoffReason, DomainPausedReason, type Connection } from '@tsvirt/api';
import { QmpClient } from '../src/qmp/qmp-client.js';
import { alive, domainXml, reopen, TestRoot } from './helpers.js';

let root: TestRoot;
let conn: Connection;

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
});
afterAll(async () => {
  await root.cleanup();
});

describe('QEMU lifecycle with real QEMU', () => {
  it('starts and destroys several domains at once', async () => {
    const doms = await Promise.all(['a1', 'a2', 'a3'].map((n) => conn.defineXML(domainXml(n))));
    await Promise.all(doms.map((d) => d.create()));
    const ids = new Set(doms.map((d) => d.getID()));
    expect(ids.size).toBe(3);
    for (const d of doms) expect(await d.getState()).toEqual([DomainState.RUNNING, 1]);
    const pids = root.statuses().map((s) => s['pid'] as number);
    expect(pids.every(alive)).toBe(true);
    await Promise.all(doms.map((d) => d.destroy()));
    for (const d of doms) expect(await d.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.DESTROYED]);
    expect(pids.some(alive)).toBe(false);
  });

  it('suspends, resumes, reports info and passes monitor commands through', async () => {
    const dom = await conn.createXML(domainXml('b1'), DomainCreateFlags.START_PAUSED);
    expect(await dom.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.USER]);
    await dom.resume();
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    await dom.suspend();
    const reply = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-status"}'));
    expect(reply.return.status).toBe('paused');
    const info = await dom.getInfo();
    expect(info.maxMem).toBe(65536);
    expect(info.nrVirtCpu).toBe(1);
    await expect(dom.qemuMonitorCommand('not json')).rejects.toThrow(/cannot parse json/);
    expect(await dom.getXMLDesc()).toMatch(/<domain type='qemu' id='\d+'>/);
    await dom.destroy();
    // transient: gone once stopped
    await expect(conn.lookupByName('b1')).rejects.toThrow(/Domain not found/);
  });

  it('reports a QEMU killed with SIGKILL as shut off (crashed)', async () => {
    const dom = await conn.defineXML(domainXml('c1'));
    await dom.create();
    const pid = root.statuses().find((s) => s['name'] === 'c1')!['pid'] as number;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.CRASHED]);
    expect(await dom.isActive()).toBe(false);
  });

  it('rolls a failed start back completely and quotes QEMU', async () => {
    const dom = await conn.defineXML(domainXml('d1', `<disk type='file' device='disk'><source file='/nonexistent/x.img'/><target dev='vda' bus='virtio'/></disk>`));
    await expect(dom.create()).rejects.toThrow(/process exited while connecting to monitor: .*nonexistent/);
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, 0]);
    expect(root.statuses().some((s) => s['name'] === 'd1')).toBe(false);
    expect(existsSync(join(root.dir, 'run', 'qemu', 'domain-1-d1'))).toBe(false);
  });

  it('refuses bad XML and names that would escape the state directory', async () => {
    await expect(conn.defineXML('<domain')).rejects.toMatchObject({ code: 27 + 8 });
    await expect(conn.defineXML(domainXml('../evil'))).rejects.toThrow(/cannot contain '\/'/);
    await expect(conn.defineXML(domainXml('..'))).rejects.toThrow(/cannot be/);
    await expect(conn.defineXML(domainXml('x').replace("type='qemu'", "type='xen'"))).rejects.toThrow(/does not support virt type 'xen'/);
    await expect(conn.defineXML(domainXml('y', `<disk type='block' device='disk' sgio='unfiltered'><source dev='/dev/null'/><target dev='vda'/></disk>`)))
      .rejects.toThrow(/sgio is only supported for device='lun'/);
  });

  it('runs user networking and refuses network interfaces while there is no network driver', async () => {
    const user = await conn.createXML(domainXml('n1', "<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>"));
    const nets = JSON.parse(await user.qemuMonitorCommand('{"execute":"query-pci"}')).return[0].devices as Array<{ qdev_id: string }>;
    expect(nets.some((d) => d.qdev_id === 'net0')).toBe(true);
    await user.destroy();
    const bridged = domainXml('n2', "<interface type='network'><source network='default'/></interface>");
    await expect(conn.createXML(bridged)).rejects.toThrow("interface of type 'network' needs a network driver: install @tsvirt/secondary-network");
    expect(root.statuses().some((s) => s['name'] === 'n2')).toBe(false);
  });

  it('sees domains started by another connection after reopening the root', async () => {
    const dom = await conn.defineXML(domainXml('e1'));
    await dom.create();
    const other = await root.open();
    const names = (await other.listAllDomains(1)).map((d) => d.getName());
    expect(names).toContain('e1');
    await dom.destroy();
  });
});

describe('opening a root', () => {
  it('needs no monitor connection to a settled running domain', async () => {
    await conn.createXML(domainXml('r1'));
    const monitor = root.statuses().find((s) => s['name'] === 'r1')!['monitor'] as string;
    // QEMU serves one monitor client at a time: while this one holds it, no handshake could succeed.
    const held = await QmpClient.open(monitor);
    try {
      const c = (conn = await reopen(root));
      expect((await c.listAllDomains()).map((d) => d.getName())).toContain('r1');
      expect(await (await c.lookupByName('r1')).getState()).toEqual([DomainState.RUNNING, 1]);
      expect(await (await c.lookupByName('r1')).getXMLDesc()).toContain("<domain type='qemu' id=");
    } finally {
      held.close();
    }
  });

  it("notices a run state changed behind the driver's back from QEMU's own log", async () => {
    const dom = await conn.lookupByName('r1');
    await dom.qemuMonitorCommand('{"execute":"stop"}');
    const c = (conn = await reopen(root));
    expect(await (await c.lookupByName('r1')).getState()).toEqual([DomainState.PAUSED, DomainPausedReason.UNKNOWN]);
    await (await c.lookupByName('r1')).qemuMonitorCommand('{"execute":"cont"}');
    expect(await (await c.lookupByName('r1')).getState()).toEqual([DomainState.RUNNING, DomainRunningReason.UNPAUSED]);
    await (await c.lookupByName('r1')).destroy();
  });
});

describe('guest memory', () => {
  it('gives each NUMA cell its own memory backend', async () => {
    const numa = domainXml('numa1').replace('<vcpu>1</vcpu>', "<vcpu>2</vcpu><cpu><numa><cell id='0' cpus='0' memory='32' unit='MiB'/><cell id='1' cpus='1' memory='32' unit='MiB' memAccess='shared'/></numa></cpu>");
    const dom = await conn.createXML(numa);
    const memdevs = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-memdev"}')).return as Array<{ id: string; size: number; share: boolean }>;
    expect(memdevs.map((m) => [m.id, m.size, m.share]).sort()).toEqual([['ram-node0', 32 << 20, false], ['ram-node1', 32 << 20, true]]);
    await dom.destroy();
  });

  it("refuses huge pages the host has no hugetlbfs mount for, with libvirt's words", async () => {
    const huge = domainXml('huge1').replace('<vcpu>', "<memoryBacking><hugepages><page size='3' unit='KiB'/></hugepages></memoryBacking><vcpu>");
    await expect(conn.createXML(huge)).rejects.toMatchObject({ message: 'internal error: Unable to find any usable hugetlbfs mount for 3 KiB' });
    expect(root.statuses().filter((s) => s['name'] === 'huge1')).toEqual([]);
  });
});

describe('floppies and character devices', () => {
  it('plugs a floppy image into the PC floppy controller', async () => {
    const img = join(root.dir, 'floppy.img');
    writeFileSync(img, Buffer.alloc(1474560));
    const dom = await conn.createXML(domainXml('fd1', `<disk type='file' device='floppy'><source file='${img}'/><target dev='fda' bus='fdc'/></disk>`));
    const block = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-block"}')).return as Array<{ qdev?: string; inserted?: { file: string } }>;
    expect(block.find((b) => b.inserted?.file === img)?.qdev).toContain('fdc0-0-0');
    await dom.destroy();
  });

  it('gives a parallel port its chardev and ISA device', async () => {
    const out = join(root.dir, 'parport.log');
    const dom = await conn.createXML(domainXml('par1', `<parallel type='file'><source path='${out}'/><target port='0'/></parallel>`));
    const chardevs = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-chardev"}')).return as Array<{ label: string; filename: string }>;
    expect(chardevs.find((c) => c.label === 'charparallel0')?.filename).toBe('file');
    expect(existsSync(out)).toBe(true);
    await dom.destroy();
  });
});
