import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DomainDeviceModifyFlags, type Connection } from '@tsvirt/api';
import { parseDomainXML } from '@tsvirt/conf';
import { buildCommandLine } from '../src/command/qemu-command.js';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { devicesOf } from '../src/devices/typed-devices.js';
import { findScsiHostDevice } from '../src/shared-disks/scsi-host-device.js';
import { checkScsiHostdevsFree, planDomainScsiHostdevs } from '../src/shared-disks/scsi-hostdev-claims.js';
import { buildSharedDiskTable, claimSharedDisks, sharedDiskEntries } from '../src/shared-disks/shared-disk-table.js';
import type { ActiveStatus } from '../src/state/domain-status.js';
import { domainStatusFile } from '../src/state/status-file.js';
import { domainXml, TestRoot } from './helpers.js';

let root: TestRoot;
let conn: Connection;
let sys: string;
let dev: string;

/**
 * A fake host on the test's own tree: LUN H:B:T:U of sysfs with its sg node (a character node
 * the test makes with mknod; the nodes are /dev/null's 1:3, /dev/zero's 1:5... so QEMU can open
 * them) and, for some, a block device `sdX` whose queue has an unpriv_sgio knob.
 */
function fakeLun(name: string, sg: string, minor: number, block?: { readonly sd: string; readonly key: string; readonly knob: number }): string | undefined {
  const dir = join(sys, 'bus', 'scsi', 'devices', name);
  mkdirSync(join(dir, 'scsi_generic', sg), { recursive: true });
  execFileSync('mknod', [join(dev, sg), 'c', '1', String(minor)]);
  if (!block) return undefined;
  mkdirSync(join(dir, 'block', block.sd), { recursive: true });
  writeFileSync(join(dir, 'block', block.sd, 'dev'), `${block.key}\n`);
  const q = join(sys, 'dev', 'block', block.key, 'queue');
  mkdirSync(q, { recursive: true });
  writeFileSync(join(q, 'unpriv_sgio'), `${block.knob}\n`);
  return join(q, 'unpriv_sgio');
}

const hostdev = (adapter: string, unit: number, extra = '', attrs = ''): string =>
  `<hostdev mode='subsystem' type='scsi'${attrs}><source><adapter name='${adapter}'/><address bus='0' target='0' unit='${unit}'/></source>${extra}</hostdev>`;

let knob0: string;

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
  sys = join(root.dir, 'sys');
  dev = join(root.dir, 'dev');
  mkdirSync(dev, { recursive: true });
  process.env['TSVIRT_SYSFS_ROOT'] = sys;
  process.env['TSVIRT_DEV_ROOT'] = dev;
  knob0 = fakeLun('0:0:0:0', 'sg0', 3, { sd: 'sda', key: '8:0', knob: 1 })!;
  fakeLun('0:0:0:1', 'sg1', 5);
});
afterEach(async () => {
  for (const d of await conn.listAllDomains(1)) await d.destroy();
});
afterAll(async () => {
  delete process.env['TSVIRT_SYSFS_ROOT'];
  delete process.env['TSVIRT_DEV_ROOT'];
  await root.cleanup();
});

describe('finding a SCSI hostdev LUN in sysfs', () => {
  const lun = (xml: string) => devicesOf(parseDomainXML(domainXml('x', xml)).devices, 'hostdev')[0]!;

  it('finds the sg node, its major:minor and the LUN block device', async () => {
    expect(await findScsiHostDevice(lun(hostdev('scsi_host0', 0)))).toEqual({ name: '0:0:0:0', sgPath: join(dev, 'sg0'), key: '1:3', blockKey: '8:0' });
    expect(await findScsiHostDevice(lun(hostdev('scsi_host0', 1)))).toEqual({ name: '0:0:0:1', sgPath: join(dev, 'sg1'), key: '1:5', blockKey: undefined });
  });

  it("refuses an adapter that is not scsi_hostN and a LUN sysfs lacks, in libvirt's words", async () => {
    await expect(findScsiHostDevice(lun(hostdev('fc_host0', 0)))).rejects.toThrow("internal error: Cannot parse adapter 'fc_host0'");
    await expect(findScsiHostDevice(lun(hostdev('scsi_host3', 9)))).rejects.toThrow(`cannot open directory '${sys}/bus/scsi/devices/3:0:0:9/scsi_generic': No such file or directory`);
  });

  it('gives QEMU the sg node as host_device + scsi-generic, after the disks\' nodes', async () => {
    const def = parseQemuDomain(domainXml('x', hostdev('scsi_host0', 0, '<readonly/>') + hostdev('scsi_host0', 1)));
    const plan = await planDomainScsiHostdevs(def.devices, 0);
    const args = buildCommandLine(def, { accel: 'tcg', monitorPath: '/r/monitor.sock', masterKeyFile: '/r/k', disks: [], hugepages: { defaultHugepageKiB: 2048, runName: 'x', hugepageDir: () => undefined }, scsiSgPaths: plan.sgPaths });
    const at = args.indexOf(JSON.stringify({ driver: 'host_device', filename: join(dev, 'sg0'), 'node-name': 'libvirt-1-backend', 'read-only': true }));
    expect(at).toBeGreaterThan(0);
    expect(args.slice(at + 1, at + 4)).toEqual([
      '-device', JSON.stringify({ driver: 'scsi-generic', drive: 'libvirt-1-backend', id: 'hostdev0', bus: 'scsi0.0', channel: 0, 'scsi-id': 0, lun: 0 }), '-blockdev',
    ]);
    expect(plan.nodes).toEqual({ hostdev0: 1, hostdev1: 2 });
  });
});

describe('the shared-disk table and the LUNs in use', () => {
  const active = (name: string, uses: ActiveStatus['scsiHostdevs'], shared: ActiveStatus['sharedDisks'] = []): ActiveStatus => ({
    phase: 'active', name, uuid: '00000000-0000-0000-0000-000000000001', id: 1, state: 1, reason: 1, pid: 1, pidStart: '1',
    runDir: join(root.dir, 'run', 'qemu', `domain-1-${name}`), monitor: join(root.dir, 'run', 'qemu', `domain-1-${name}`, 'monitor.sock'),
    xml: '', startPaused: false, persistent: false, sharedDisks: shared, scsiHostdevs: uses, pendingUnplug: [], nextNode: 1, diskNodes: {}, fakeReboot: false,
  });

  it('keys a shareable LUN by its sg node, sets unpriv_sgio on its block device and lists it', async () => {
    const def = parseDomainXML(domainXml('a', hostdev('scsi_host0', 0, '<shareable/>', " sgio='filtered'")));
    const plan = await planDomainScsiHostdevs(def.devices, 0);
    expect(plan.shared).toEqual([{ key: '1:3', path: join(dev, 'sg0'), label: '0:0:0:0', sgio: 'filtered', alias: 'hostdev0', sgioKey: '8:0', hostdev: true }]);
    const restore = await claimSharedDisks(new Map(), 'a', plan.shared, plan.settings);
    expect(readFileSync(knob0, 'utf8').trim()).toBe('0');
    const a = active('a', plan.uses, plan.shared);
    // A restarted process has only the status files: the table is rebuilt from what they hold.
    const file = domainStatusFile(join(root.dir, 'run', 'qemu'));
    const reread = file.parse(file.serialize(a), 'a.json') as ActiveStatus;
    expect(await sharedDiskEntries([reread])).toEqual([{ key: '1:3', path: join(dev, 'sg0'), sgio: 'filtered', domains: ['a'] }]);
    // Another domain asking for unfiltered access to the same LUN conflicts.
    const other = await planDomainScsiHostdevs(parseDomainXML(domainXml('b', hostdev('scsi_host0', 0, '<shareable/>', " sgio='unfiltered'"))).devices, 0);
    await expect(claimSharedDisks(buildSharedDiskTable([reread]), 'b', other.shared, other.settings)).rejects.toMatchObject({
      code: 55, message: "Requested operation is not valid: sgio of shared scsi host device '0:0:0:0' conflicts with other active domains",
    });
    expect(readFileSync(knob0, 'utf8').trim()).toBe('0');
    await restore();
    expect(readFileSync(knob0, 'utf8').trim()).toBe('1');
  });

  it("refuses a LUN another domain holds unless both share it, in libvirt's words", () => {
    const mine = (shareable: boolean) => [{ name: '0:0:0:1', alias: 'hostdev0', shareable }];
    expect(() => checkScsiHostdevsFree([active('a', mine(false))], 'b', mine(true))).toThrow("Requested operation is not valid: SCSI device 0:0:0:1 is already in use by other domain(s) as 'non-shareable'");
    expect(() => checkScsiHostdevsFree([active('a', mine(true))], 'b', mine(false))).toThrow("SCSI device 0:0:0:1 is already in use by other domain(s) as 'shareable'");
    expect(() => checkScsiHostdevsFree([active('a', mine(true))], 'b', mine(true))).not.toThrow();
    expect(() => checkScsiHostdevsFree([active('a', mine(false))], 'a', mine(false))).not.toThrow();
  });
});

describe('SCSI hostdevs with real QEMU (no SCSI generic device exists here, so QEMU refuses the node)', () => {
  it("fails a start with QEMU's words, leaving no status, table row or changed unpriv_sgio", async () => {
    writeFileSync(knob0, '1\n');
    await expect(conn.createXML(domainXml('s1', hostdev('scsi_host0', 0, '<shareable/>')))).rejects.toThrow('cannot get SG_IO version number');
    expect(root.statuses().filter((s) => s['phase'] !== 'inactive')).toEqual([]);
    expect(await conn.listSharedDisks()).toEqual([]);
    expect(readFileSync(knob0, 'utf8').trim()).toBe('1');
  });

  it('plugs through QMP: blockdev-add of the sg node, then device_add, rolled back when QEMU refuses', async () => {
    const dom = await conn.createXML(domainXml('h1'));
    const live = DomainDeviceModifyFlags.LIVE;
    await expect(dom.attachDeviceFlags(hostdev('scsi_host0', 0, '<shareable/>'), live)).rejects.toThrow('cannot get SG_IO version number');
    const nodes = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-named-block-nodes"}')).return as Array<{ 'node-name': string }>;
    expect(nodes.map((n) => n['node-name'])).not.toContain('libvirt-1-backend');
    const status = root.statuses().find((s) => s['name'] === 'h1')!;
    expect(status['scsiHostdevs']).toBeUndefined();
    expect(status['nextNode']).toBe(1);
    expect(await conn.listSharedDisks()).toEqual([]);
    expect(readFileSync(knob0, 'utf8').trim()).toBe('1');
    expect(await dom.getXMLDesc(0)).not.toContain('<hostdev');
  });

  it('attaches and detaches a SCSI hostdev in the persistent definition, its drive address assigned', async () => {
    const dom = await conn.defineXML(domainXml('p1'));
    const config = DomainDeviceModifyFlags.CONFIG;
    await dom.attachDeviceFlags(hostdev('scsi_host0', 1), config);
    expect(await dom.getXMLDesc(2)).toContain("<address type='drive' controller='0' bus='0' target='0' unit='0'/>");
    await expect(dom.attachDeviceFlags(hostdev('scsi_host0', 1), config)).rejects.toThrow('device is already in the domain configuration');
    await dom.detachDeviceFlags(hostdev('scsi_host0', 1), config);
    expect(await dom.getXMLDesc(2)).not.toContain('<hostdev');
    await expect(dom.detachDeviceFlags(hostdev('scsi_host0', 1), config)).rejects.toThrow('host scsi device scsi_host0:0:0.1 not found');
    await dom.undefine();
  });

  it("refuses to detach a LUN the domain does not have, and hotplug of other hostdev kinds, in libvirt's words", async () => {
    const dom = await conn.createXML(domainXml('h2'));
    const live = DomainDeviceModifyFlags.LIVE;
    await expect(dom.detachDeviceFlags(hostdev('scsi_host0', 1), live)).rejects.toThrow('host scsi device scsi_host0:0:0.1 not found');
    const usb = "<hostdev mode='subsystem' type='usb'><source><address bus='1' device='2'/></source></hostdev>";
    await expect(dom.attachDeviceFlags(usb, live)).rejects.toThrow("live attach or detach of host device of type 'usb' is not supported");
  });
});
