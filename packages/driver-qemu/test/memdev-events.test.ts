// Memory modules' events with real QEMU. QEMU's MEMORY_DEVICE_SIZE_CHANGE moves a virtio-mem
// device's <current> in the live XML, as libvirt's does; no guest OS runs here, so no guest ever
// plugs a block and QEMU never sends the event by itself: the event is handed to the driver's
// handler for a real running guest, and the status it writes is read back through the API. A
// live attach raises DEVICE_ADDED with the backend's id, as libvirtd 9.0 does
// (memdev-oracle.test.ts records libvirtd's).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseURI } from '@tsvirt/util';
import { DomainDeviceModifyFlags, DomainEventID, type DomainDriverEvent } from '@tsvirt/api';
import type { DriverContext } from '../src/driver/driver-context.js';
import { handleQmpEvent } from '../src/events/qmp-event-handlers.js';
import { pathsForURI, type DriverPaths } from '../src/state/driver-paths.js';
import type { ActiveStatus } from '../src/state/domain-status.js';
import type { QmpClient } from '../src/qmp/qmp-client.js';
import { TestRoot } from './helpers.js';

const root = new TestRoot();
afterAll(() => root.cleanup());

const DOMAIN = `<domain type='qemu'><name>memsize</name><maxMemory slots='2' unit='KiB'>524288</maxMemory><memory unit='KiB'>196608</memory><vcpu>1</vcpu>
  <features><acpi/></features><os><type arch='x86_64' machine='pc'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0' memory='131072' unit='KiB'/></numa></cpu>
  <devices><memory model='virtio-mem'><target><size unit='KiB'>65536</size><node>0</node><block unit='KiB'>2048</block><requested unit='KiB'>8192</requested></target></memory></devices></domain>`;

const current = (xml: string): string | undefined => /<current unit='KiB'>(\d+)<\/current>/.exec(xml)?.[1];

describe('MEMORY_DEVICE_SIZE_CHANGE', () => {
  it("moves the device's <current> in the live XML to the size QEMU reports and raises MEMORY_DEVICE_SIZE_CHANGE, and ignores another device's", async () => {
    const conn = await root.open();
    const dom = await conn.createXML(DOMAIN, 0);
    expect(current(await dom.getXMLDesc(0))).toBe('0');
    const status = root.statuses()[0] as unknown as ActiveStatus;
    const raised: DomainDriverEvent[] = [];
    const drv = { paths: pathsForURI(parseURI(root.uri)) as DriverPaths, events: { raiseOther: (e: DomainDriverEvent) => raised.push(e) } } as unknown as DriverContext;
    const target = { name: status.name, uuid: status.uuid, pid: status.pid!, client: {} as QmpClient, shutdownSeen: false };
    const event = (data: Record<string, unknown>) => handleQmpEvent(drv, target, status, { event: 'MEMORY_DEVICE_SIZE_CHANGE', data, timestamp: { seconds: 0, microseconds: 0 } });
    await event({ id: 'virtiomem0', size: 4 * 1048576, 'qom-path': '/machine/peripheral/virtiomem0/virtio-backend' });
    expect(current(await dom.getXMLDesc(0))).toBe('4096');
    await event({ id: 'virtiomem9', size: 1048576 });
    await event({ size: 1048576 });
    expect(current(await dom.getXMLDesc(0))).toBe('4096');
    // Raised once, for the domain's own device, with the size in KiB as libvirt's callback has it.
    expect(raised).toEqual([{ eventID: DomainEventID.MEMORY_DEVICE_SIZE_CHANGE, domain: { name: 'memsize', uuid: status.uuid, id: status.id }, alias: 'virtiomem0', size: 4096n }]);
    await dom.destroy();
  }, 60_000);

  it('a live attach raises DEVICE_ADDED naming the backend object (memdimmN, memvirtiomemN), a failed one nothing', async () => {
    const conn = await root.open();
    const dom = await conn.createXML(DOMAIN.replace("<name>memsize</name>", "<name>memadd</name>").replace("slots='2'", "slots='3'"), 0);
    const seen: string[] = [];
    const off = await conn.domainEventRegisterAny(dom, DomainEventID.DEVICE_ADDED, (_d, e) => seen.push((e as { devAlias: string }).devAlias));
    await dom.attachDeviceFlags("<memory model='dimm'><target><size unit='MiB'>64</size><node>0</node></target></memory>", DomainDeviceModifyFlags.LIVE);
    await dom.attachDeviceFlags("<memory model='virtio-mem'><target><size unit='MiB'>64</size><node>0</node><block unit='KiB'>2048</block><requested unit='KiB'>0</requested></target></memory>", DomainDeviceModifyFlags.LIVE)
      .catch((e: Error) => seen.push(e.message));
    await dom.attachDeviceFlags("<memory model='dimm'><target><size unit='MiB'>64</size><node>0</node></target></memory>", DomainDeviceModifyFlags.LIVE)
      .catch((e: Error) => seen.push(e.message));
    off();
    expect(seen).toEqual(['memdimm0', 'memvirtiomem1', "unsupported configuration: memory device count '4' exceeds slots count '3'"]);
    await dom.destroy();
  }, 60_000);

  it("reads virtio-mem's plugged size again when the process begins holding the domain's events (a change nobody heard)", async () => {
    const conn = await root.open();
    const dom = await conn.createXML(DOMAIN.replace('<name>memsize</name>', '<name>memheld</name>'), 0);
    // A size change told while no process held the monitor: the status still says 4096 KiB.
    const file = join(root.dir, 'run', 'qemu', 'memheld.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace("<current unit='KiB'>0</current>", "<current unit='KiB'>4096</current>"));
    expect(current(await dom.getXMLDesc(0))).toBe('4096');
    const off = await conn.domainEventRegisterAny(dom, DomainEventID.REBOOT, () => undefined);
    for (let i = 0; i < 100 && current(await dom.getXMLDesc(0)) !== '0'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(current(await dom.getXMLDesc(0))).toBe('0');
    off();
    await dom.destroy();
  }, 60_000);
});
