import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, StorageXMLFlags } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { embedRootForFile } from './helpers.js';

const root = embedRootForFile();
/** libvirt's storage pool XML with fc_host adapters (its storagepoolxml2xml data). */
const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/libvirt-tests/storage-pool/in');
const libvirtPool = (name: string): string => readFileSync(join(CORPUS, name), 'utf8');
const WWNN = '20000000c9831b4b';
const WWPN = '10000000c9831b4b';
const fcPoolXML = (name: string, attrs: string): string =>
  `<pool type='scsi'><name>${name}</name><source><adapter type='fc_host' ${attrs}/></source><target><path>/dev/disk/by-path</path></target></pool>`;

/**
 * A fake sysfs tree with FC HBAs, and a fake kernel: a name written to an HBA's `vport_create`
 * makes a vHBA below it (its fc_host, its scsi_host with a `scan` file and one disk unit), one
 * written to `vport_delete` removes it, as the kernel's FC transport does.
 */
class FakeFabric {
  readonly sys: string;
  private next = 10;
  private readonly timer: NodeJS.Timeout;
  /** Whether the kernel answers vport_create (off: the write is accepted and nothing appears). */
  answering = true;
  /** Whether a new vHBA's SCSI host can be scanned (off: it is missing from class/scsi_host). */
  scannable = true;

  constructor(base: string) {
    this.sys = join(base, `sys-${process.pid}-${Math.random().toString(16).slice(2)}`);
    this.timer = setInterval(() => this.serve(), 5);
  }

  private put(path: string, text = ''): void {
    mkdirSync(join(this.sys, path, '..'), { recursive: true });
    writeFileSync(join(this.sys, path), text);
  }
  private link(cls: string, host: string, device: string): void {
    mkdirSync(join(this.sys, 'class', cls), { recursive: true });
    symlinkSync(relative(join(this.sys, 'class', cls), join(this.sys, device, cls, host)), join(this.sys, 'class', cls, host));
  }

  /** A host at `device/hostN` with FC port names; an HBA (`vports` given) can make vports. */
  addHost(n: number, device: string, wwnn: string, wwpn: string, vports?: { max: number; used: number; online?: boolean; fabric?: string }): void {
    const dir = join(device, `host${n}`);
    this.put(join(dir, `fc_host/host${n}/node_name`), `0x${wwnn}\n`);
    this.put(join(dir, `fc_host/host${n}/port_name`), `0x${wwpn}\n`);
    this.put(join(dir, `scsi_host/host${n}/scan`));
    if (vports) {
      const fc = join(dir, `fc_host/host${n}`);
      this.put(join(fc, 'port_state'), `${vports.online === false ? 'Linkdown' : 'Online'}\n`);
      this.put(join(fc, 'max_npiv_vports'), `${vports.max}\n`);
      this.put(join(fc, 'npiv_vports_inuse'), `${vports.used}\n`);
      this.put(join(fc, 'fabric_name'), `0x${vports.fabric ?? '2001000dec9877c1'}\n`);
      this.put(join(fc, 'vport_create'));
      this.put(join(fc, 'vport_delete'));
    }
    this.link('fc_host', `host${n}`, dir);
    this.link('scsi_host', `host${n}`, dir);
  }

  read(path: string): string {
    return readFileSync(join(this.sys, path), 'utf8');
  }

  /** The FC hosts whose port names are those of the test's vHBA. */
  hostsOfPort(): string[] {
    const fc = join(this.sys, 'class/fc_host');
    return readdirSync(fc).filter((h) => this.read(`class/fc_host/${h}/port_name`).includes(WWPN)).sort();
  }

  /** Whether a vport request waits to be served. */
  pending(): boolean {
    const fc = join(this.sys, 'class/fc_host');
    return readdirSync(fc).some((h) => ['vport_create', 'vport_delete'].some((op) => existsSync(join(fc, h, op)) && this.read(`class/fc_host/${h}/${op}`) !== ''));
  }

  private serve(): void {
    const fc = join(this.sys, 'class/fc_host');
    if (!existsSync(fc)) return;
    for (const h of readdirSync(fc)) {
      for (const op of ['vport_create', 'vport_delete']) {
        const file = join(fc, h, op);
        const asked = existsSync(file) ? readFileSync(file, 'utf8') : '';
        if (!asked) continue;
        writeFileSync(file, '');
        const [wwpn, wwnn] = asked.split(':');
        if (op === 'vport_create' && this.answering) this.createVHBA(Number(h.slice(4)), wwnn!, wwpn!);
        if (op === 'vport_delete') this.deleteVHBA(wwpn!);
      }
    }
  }

  private createVHBA(parent: number, wwnn: string, wwpn: string): void {
    const n = this.next++;
    const device = relative(this.sys, join(readlinkDevice(this.sys, parent), `vport-${parent}:0-${n}`));
    this.addHost(n, device, wwnn, wwpn);
    if (!this.scannable) rmSync(join(this.sys, `class/scsi_host/host${n}`));
    this.put(`bus/scsi/devices/${n}:0:0:0/type`, '0\n');
    mkdirSync(join(this.sys, `bus/scsi/devices/${n}:0:0:0/block/sdz`), { recursive: true });
  }

  private deleteVHBA(wwpn: string): void {
    for (const h of this.hostsOfPort().filter((x) => this.read(`class/fc_host/${x}/port_name`) === `0x${wwpn}\n`)) {
      const device = readlinkDevice(this.sys, Number(h.slice(4)));
      rmSync(join(this.sys, 'class/fc_host', h));
      rmSync(join(this.sys, 'class/scsi_host', h), { force: true });
      rmSync(join(device, '..'), { recursive: true });
      rmSync(join(this.sys, `bus/scsi/devices/${h.slice(4)}:0:0:0`), { recursive: true });
    }
  }

  close(): void {
    clearInterval(this.timer);
    rmSync(this.sys, { recursive: true, force: true });
  }
}

/** The device directory (`.../hostN`) of host N in the fake tree. */
const readlinkDevice = (sys: string, n: number): string => join(realpathSync(join(sys, 'class/fc_host', `host${n}`)), '..', '..');

let fabric: FakeFabric;
/**
 * Waits for the fake kernel to have served every request and removed the vHBA (the kernel, too,
 * deletes a vport in a work queue).
 */
const gone = async (): Promise<void> => {
  await expect.poll(() => fabric.pending()).toBe(false);
  await expect.poll(() => fabric.hostsOfPort()).toEqual([]);
};
beforeEach(() => {
  fabric = new FakeFabric(root().root);
  // host5: an NPIV HBA; host7: an FC HBA that cannot make vports; host8: an HBA whose link is down.
  fabric.addHost(5, 'devices/pci0000:00/0000:00:07.0', '2000000011112222', '1000000011112222', { max: 127, used: 0 });
  fabric.addHost(7, 'devices/pci0000:00/0000:00:08.0', '2000000033334444', '1000000033334444');
  process.env['TSVIRT_SYSFS_ROOT'] = fabric.sys;
});
afterEach(async () => {
  // A failed test leaves no pool to clash with the next one.
  for (const pool of await root().conn.listAllStoragePools()) {
    await pool.destroy().catch(() => undefined);
    await pool.undefine().catch(() => undefined);
  }
  delete process.env['TSVIRT_SYSFS_ROOT'];
  fabric.close();
});

describe('scsi pools on fc_host adapters: vHBAs made and removed through sysfs (a fake tree)', { timeout: 30_000 }, () => {
  it("libvirt's fc_host pool: start makes the vHBA on its parent, the pool manages it, destroy removes it", async () => {
    const conn = root().conn;
    const pool = await conn.storagePoolDefineXML(libvirtPool('pool-scsi-type-fc-host.xml'));
    await gone();
    await pool.create();
    const [vhba] = fabric.hostsOfPort();
    expect(vhba).toBe('host10');
    // The new host is scanned and its units are the pool's volumes.
    expect(fabric.read('class/scsi_host/host10/scan')).toBe('- - -');
    expect(await pool.listVolumes()).toEqual(['unit:0:0:0']);
    // libvirt marks the adapter it made a vHBA for managed, in the live and the persistent definition.
    const adapter = `<adapter type='fc_host' parent='scsi_host5' managed='yes' wwnn='${WWNN}' wwpn='${WWPN}'/>`;
    expect(await pool.getXMLDesc()).toContain(adapter);
    expect(await pool.getXMLDesc(StorageXMLFlags.INACTIVE)).toContain(adapter);
    await pool.refresh();
    await pool.destroy();
    await gone();
    // Started again, the managed pool makes a new one.
    await pool.create();
    expect(fabric.hostsOfPort()).toEqual(['host11']);
    await pool.destroy();
    await pool.undefine();
    await gone();
  });

  it('an existing vHBA is used as it is; only a managed pool removes it', async () => {
    const conn = root().conn;
    writeFileSync(join(fabric.sys, 'class/fc_host/host5/vport_create'), `${WWPN}:${WWNN}`);
    await expect.poll(() => fabric.hostsOfPort()).toEqual(['host10']);

    const unmanaged = await conn.storagePoolCreateXML(fcPoolXML('unmanaged', `parent='scsi_host5' wwnn='${WWNN}' wwpn='${WWPN}'`));
    expect(await unmanaged.getXMLDesc()).not.toContain('managed=');
    expect(await unmanaged.listVolumes()).toEqual(['unit:0:0:0']);
    await unmanaged.destroy();
    expect(fabric.hostsOfPort()).toEqual(['host10']);

    // A parent that is not the existing vHBA's is refused.
    const wrong = await virErrorOf(conn.storagePoolCreateXML(fcPoolXML('wrong', `parent='scsi_host7' wwnn='${WWNN}' wwpn='${WWPN}'`)));
    expect([wrong.code, wrong.message]).toEqual([ErrorCode.XML_ERROR,
      "XML error: Parent attribute 'scsi_host7' does not match parent 'scsi_host5' determined for the 'host10' wwnn/wwpn lookup."]);

    const managed = await conn.storagePoolDefineXML(libvirtPool('pool-scsi-type-fc-host-managed.xml'));
    await managed.create();
    expect(fabric.hostsOfPort()).toEqual(['host10']);
    await managed.destroy();
    await gone();
    await managed.undefine();
  });

  it('finds the parent by its port names, its fabric, or picks a free online vport host', async () => {
    const conn = root().conn;
    fabric.addHost(8, 'devices/pci0000:00/0000:00:09.0', '2000000055556666', '1000000055556666', { max: 4, used: 0, online: false, fabric: '2001000dec9877c2' });
    fabric.addHost(9, 'devices/pci0000:00/0000:00:0a.0', '2000000077778888', '1000000077778888', { max: 4, used: 4 });
    const ways = [
      `parent_wwnn='2000000011112222' parent_wwpn='1000000011112222'`,
      `parent_fabric_wwn='2001000dec9877c1'`,
      '',
    ];
    for (const way of ways) {
      const pool = await conn.storagePoolCreateXML(fcPoolXML('p', `${way} wwnn='${WWNN}' wwpn='${WWPN}'`));
      const [vhba] = fabric.hostsOfPort();
      expect(readlinkDevice(fabric.sys, Number(vhba!.slice(4)))).toContain('0000:00:07.0/host5/vport-5:0-');
      expect(await pool.getXMLDesc()).toContain("managed='yes'");
      await pool.destroy();
      await gone();
    }
    // The parent found by its name is the same storage as a scsi_host pool of that host.
    await conn.storagePoolDefineXML(`<pool type='scsi'><name>plain</name><source><adapter type='scsi_host' name='host5'/></source><target><path>/dev</path></target></pool>`);
    const clash = await virErrorOf(conn.storagePoolDefineXML(fcPoolXML('fc', `parent='scsi_host5' wwnn='${WWNN}' wwpn='${WWPN}'`)));
    expect([clash.code, clash.message]).toEqual([ErrorCode.OPERATION_FAILED, "operation failed: Storage source conflict with pool: 'plain'"]);
    await (await conn.storagePoolLookupByName('plain')).undefine();
  });

  it("libvirt's errors: a missing parent, one that cannot make vports, no parent to find, a duplicate port; nothing is left", async () => {
    const conn = root().conn;
    const refusal = async (attrs: string): Promise<[number, string]> => {
      const e = await virErrorOf(conn.storagePoolCreateXML(fcPoolXML('bad', attrs)));
      return [e.code, e.message];
    };
    const port = `wwnn='${WWNN}' wwpn='${WWPN}'`;
    expect(await refusal(`parent='scsi_host9' ${port}`)).toEqual([ErrorCode.XML_ERROR, "XML error: parent 'scsi_host9' specified for vHBA does not exist"]);
    expect(await refusal(`parent='scsi_host7' ${port}`)).toEqual([ErrorCode.OPERATION_INVALID,
      "Requested operation is not valid: vport operation 'vport_create' is not supported for host7"]);
    expect(await refusal(`parent='hba5' ${port}`)).toEqual([ErrorCode.INTERNAL_ERROR, "internal error: Invalid adapter name 'hba5' for SCSI pool"]);
    expect(await refusal(`parent_wwnn='2000000099999999' parent_wwpn='1000000099999999' ${port}`)).toEqual([ErrorCode.XML_ERROR,
      'XML error: cannot find parent using provided wwnn/wwpn']);
    expect(await refusal(`parent_fabric_wwn='2001000dec987700' ${port}`)).toEqual([ErrorCode.XML_ERROR, 'XML error: cannot find parent using provided fabric_wwn']);
    // Only an online HBA with vports to spare is picked when no parent is named.
    writeFileSync(join(fabric.sys, 'class/fc_host/host5/port_state'), 'Linkdown\n');
    expect(await refusal(port)).toEqual([ErrorCode.XML_ERROR, "XML error: 'parent' for vHBA not specified, and cannot find one on this host"]);
    writeFileSync(join(fabric.sys, 'class/fc_host/host5/port_state'), 'Online\n');

    // A kernel that makes no vHBA: the vport is deleted again and the pool does not start.
    fabric.answering = false;
    expect(await refusal(`parent='scsi_host5' ${port}`)).toEqual([ErrorCode.XML_ERROR, `XML error: Failed to find SCSI host with wwnn='${WWNN}', wwpn='${WWPN}'`]);
    fabric.answering = true;
    await gone();
    // A vHBA whose bus cannot be scanned is removed again.
    fabric.scannable = false;
    const [code, message] = await refusal(`parent='scsi_host5' ${port}`);
    expect([code, message.replace(/host\d+/g, 'hostN')]).toEqual([ErrorCode.SYSTEM_ERROR,
      `Could not open '${fabric.sys}/class/scsi_host/hostN/scan' to trigger host scan: No such file or directory`]);
    fabric.scannable = true;
    await gone();
    expect(await conn.listAllStoragePools()).toEqual([]);

    // Two pools on the same port names are the same storage, started or not.
    const first = await conn.storagePoolDefineXML(libvirtPool('pool-scsi-type-fc-host.xml'));
    const dup = await virErrorOf(conn.storagePoolDefineXML(fcPoolXML('dup', `parent='scsi_host5' ${port}`)));
    expect([dup.code, dup.message]).toEqual([ErrorCode.OPERATION_FAILED, "operation failed: Storage source conflict with pool: 'hba0'"]);
    await first.create();
    const dupLive = await virErrorOf(conn.storagePoolCreateXML(fcPoolXML('dup', port)));
    expect(dupLive.message).toBe("operation failed: Storage source conflict with pool: 'hba0'");
    expect(fabric.hostsOfPort()).toHaveLength(1);

    // A managed vHBA that went away: the pool stops at refresh; destroying it finds nothing to delete.
    writeFileSync(join(fabric.sys, 'class/fc_host/host5/vport_delete'), `${WWPN}:${WWNN}`);
    await expect.poll(() => fabric.hostsOfPort()).toEqual([]);
    const lost = await virErrorOf(first.refresh());
    expect([lost.code, lost.message]).toEqual([ErrorCode.XML_ERROR, `XML error: Failed to find SCSI host with wwnn='${WWNN}', wwpn='${WWPN}'`]);
    expect(await first.isActive()).toBe(false);
    await first.undefine();
  });
});
