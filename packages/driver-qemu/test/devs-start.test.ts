// Shared memory, redirected USB and vsock devices in real QEMU (TCG), started through the driver:
// QEMU has each device (qom-list, query-pci), the plain region's memory is the /dev/shm file the
// definition names, and the redirected devices speak usbredir to the sockets they were given.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@tsvirt/util';
import type { Connection, Domain } from '@tsvirt/api';
import { alive, domainXml, scratchRoot } from './helpers.js';

const TAG = `${process.pid}-${randomBytes(3).toString('hex')}`;
const SHM = `tsvirt-devs-${TAG}`;
const ctx = scratchRoot();
afterAll(() => rmSync(`/dev/shm/${SHM}`, { force: true }));

/** QMP through the driver (libvirt's qemu-monitor-command): the command's `return`. */
async function qmp<T>(dom: Domain, execute: string, args?: Record<string, unknown>): Promise<T> {
  return (JSON.parse(await dom.qemuMonitorCommand(JSON.stringify({ execute, ...(args ? { arguments: args } : {}) }))) as { return: T }).return;
}

/** The devices QEMU has under /machine/peripheral: id → QOM type. */
async function peripherals(dom: Domain): Promise<Record<string, string>> {
  const all = await qmp<Array<{ name: string; type: string }>>(dom, 'qom-list', { path: '/machine/peripheral' });
  return Object.fromEntries(all.map((p) => [p.name, p.type.replace(/^child<(.*)>$/, '$1')]));
}

/** Every PCI device QEMU shows on bus 0: slot → vendor:device. */
async function pciSlots(dom: Domain): Promise<Record<number, string>> {
  type Pci = { devices: Array<{ slot: number; id: { vendor: number; device: number } }> };
  const [bus] = await qmp<Pci[]>(dom, 'query-pci');
  return Object.fromEntries(bus!.devices.map((d) => [d.slot, `${d.id.vendor.toString(16)}:${d.id.device.toString(16)}`]));
}

/** A server that collects what each client sends; `first` resolves once a client has sent `bytes`. */
function collector(listen: (s: Server) => void): { server: Server; first: (bytes: number, what: string) => Promise<Buffer> } {
  let data = Buffer.alloc(0);
  const clients: Socket[] = [];
  const server = createServer((c) => {
    clients.push(c);
    c.on('data', (d) => (data = Buffer.concat([data, d])));
    c.on('error', () => undefined);
  });
  server.on('close', () => clients.forEach((c) => c.destroy()));
  listen(server);
  const first = async (bytes: number, what: string): Promise<Buffer> => {
    for (let i = 0; i < 1000 && data.length < bytes; i++) await new Promise((r) => setTimeout(r, 20));
    if (data.length < bytes) throw new Error(`${what}: QEMU's usb-redir sent ${data.length} bytes in 20 s, not its hello`);
    return data;
  };
  return { server, first };
}

/** usbredir's first packet: a hello (type 0) with the peer's version string, "qemu usb-redir guest …". */
function expectHello(data: Buffer): void {
  expect(data.readUInt32LE(0)).toBe(0);
  expect(data.subarray(12, 76).toString('latin1')).toMatch(/^qemu usb-redir guest \d/);
}

const conn = (): Connection => ctx.conn;

describe('shmem, redirdev and vsock in real QEMU (TCG)', () => {
  it('maps an ivshmem-plain region from its /dev/shm file, shared, at the PCI slot the definition gives', async () => {
    const dom = await conn().createXML(domainXml('sh1', `<shmem name='${SHM}' role='master'><model type='ivshmem-plain'/><size unit='M'>2</size>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/></shmem>`));
    try {
      expect(await peripherals(dom)).toMatchObject({ shmem0: 'ivshmem-plain' });
      // Red Hat's ivshmem: vendor 1af4, device 1110, where the definition put it.
      expect((await pciSlots(dom))[7]).toBe('1af4:1110');
      const backend = '/objects/shmmem-shmem0';
      expect(await qmp(dom, 'qom-get', { path: backend, property: 'size' })).toBe(2 << 20);
      expect(await qmp(dom, 'qom-get', { path: backend, property: 'share' })).toBe(true);
      expect(await qmp(dom, 'qom-get', { path: backend, property: 'mem-path' })).toBe(`/dev/shm/${SHM}`);
      expect(await qmp(dom, 'qom-get', { path: '/machine/peripheral/shmem0', property: 'master' })).toBe('on');
      expect(statSync(`/dev/shm/${SHM}`).size).toBe(2 << 20);
      expect(await dom.getXMLDesc(0)).toMatch(new RegExp(`<shmem name='${SHM}' role='master'>\\s*<model type='ivshmem-plain'/>\\s*<size unit='M'>2</size>\\s*<alias name='shmem0'/>`));
    } finally {
      await dom.destroy();
    }
  }, 120_000);

  it("connects an ivshmem-doorbell device to its server's socket: without a server QEMU refuses, as under libvirtd, and nothing is left", async () => {
    // No ivshmem-server here (QEMU's tools package has none): only the connection QEMU makes is seen.
    const missing = join(ctx.root.dir, `no-server-${TAG}.sock`);
    const refused = await conn().createXML(domainXml('db1', `<shmem name='${SHM}-db'><model type='ivshmem-doorbell'/><server path='${missing}'/></shmem>`))
      .then(() => undefined, (e: unknown) => (e as Error).message);
    expect(refused).toContain(`-chardev socket,id=charshmem0,path=${missing}: Failed to connect to '${missing}': No such file or directory`);
    expect(ctx.root.statuses().filter((st) => st['name'] === 'db1')).toEqual([]);
    expect(readdirSync(join(ctx.root.dir, 'run/qemu')).filter((f) => f.includes('db1'))).toEqual([]);
  }, 120_000);

  it('redirects USB over a TCP socket, a UNIX socket it connects to and one it serves (on ICH9 EHCI with UHCI companions): usb-redir says hello on each', async () => {
    const tcp = collector((s) => s.listen(0, '127.0.0.1'));
    const unixPath = join(ctx.root.dir, `redir-${TAG}.sock`);
    const unix = collector((s) => s.listen(unixPath));
    await Promise.all([tcp.server, unix.server].map((s) => new Promise((r) => (s.listening ? r(null) : s.once('listening', r)))));
    const port = (tcp.server.address() as { port: number }).port;
    const served = join(ctx.root.dir, `served-${TAG}.sock`);
    const dom = await conn().createXML(domainXml('rd1', `
      <redirdev bus='usb' type='tcp'><source mode='connect' host='127.0.0.1' service='${port}'/></redirdev>
      <redirdev bus='usb' type='unix'><source mode='connect' path='${unixPath}'/></redirdev>
      <redirdev bus='usb' type='unix'><source mode='bind' path='${served}'/><address type='usb' bus='0' port='2'/></redirdev>
      <controller type='usb' index='0' model='ich9-uhci1'><master startport='0'/><address type='pci' domain='0' bus='0' slot='4' function='0' multifunction='on'/></controller>
      <controller type='usb' index='0' model='ich9-ehci1'><address type='pci' domain='0' bus='0' slot='4' function='7'/></controller>
      <controller type='usb' index='0' model='ich9-uhci2'><master startport='2'/><address type='pci' domain='0' bus='0' slot='4' function='1'/></controller>
      <redirfilter><usbdev class='0x08' allow='yes'/><usbdev allow='no'/></redirfilter>`));
    try {
      expect(await peripherals(dom)).toMatchObject({ usb: 'ich9-usb-ehci1', redir0: 'usb-redir', redir1: 'usb-redir', redir2: 'usb-redir' });
      // ICH9's EHCI and the UHCI companions serving its ports, functions of one slot.
      type Pci = { devices: Array<{ slot: number; function: number; id: { device: number } }> };
      const [bus] = await qmp<Pci[]>(dom, 'query-pci');
      expect(bus!.devices.filter((d) => d.slot === 4).map((d) => `${d.function}:${d.id.device.toString(16)}`).sort()).toEqual(['0:2934', '1:2935', '7:293a']);
      expectHello(await tcp.first(76, 'TCP client chardev'));
      expectHello(await unix.first(76, 'UNIX client chardev'));
      // The socket QEMU serves is the one the driver made and passed: a client is greeted there too.
      const client = connect(served);
      let got = Buffer.alloc(0);
      client.on('data', (d) => (got = Buffer.concat([got, d])));
      for (let i = 0; i < 1000 && got.length < 76; i++) await new Promise((r) => setTimeout(r, 20));
      client.destroy();
      expectHello(got);
      const chardevs = await qmp<Array<{ label: string; filename: string }>>(dom, 'query-chardev');
      expect(chardevs.find((c) => c.label === 'charredir0')?.filename).toContain(`127.0.0.1:${port}`);
      expect(await qmp(dom, 'qom-get', { path: '/machine/peripheral/redir0', property: 'filter' })).toBe('0x08:-1:-1:-1:1|-1:-1:-1:-1:0');
      // The live XML names each device and its port (the first free ones, as libvirt gives them).
      const live = await dom.getXMLDesc(0);
      expect([...live.matchAll(/<alias name='(redir\d)'\/>\s*<address type='usb' bus='0' port='(\d)'\/>/g)].map((m) => `${m[1]}@${m[2]}`)).toEqual(['redir0@1', 'redir1@3', 'redir2@2']);
    } finally {
      await dom.destroy();
      tcp.server.close();
      unix.server.close();
    }
  }, 120_000);

  it("redirects USB over SPICE's usbredir channel of a display open to clients without a password, as libvirtd's", async () => {
    const dom = await conn().createXML(domainXml('rd2', "<graphics type='spice'/><redirdev bus='usb' type='spicevmc'/>"));
    try {
      expect(await peripherals(dom)).toMatchObject({ redir0: 'usb-redir' });
      const chardevs = await qmp<Array<{ label: string; filename: string }>>(dom, 'query-chardev');
      expect(chardevs.find((c) => c.label === 'charredir0')?.filename).toBe('spicevmc');
      // No password and no spice_password: QEMU lets clients in without a ticket (disable-ticketing).
      expect(await qmp(dom, 'query-spice')).toMatchObject({ enabled: true, auth: 'none' });
    } finally {
      await dom.destroy();
    }
  }, 120_000);

  it("opens /dev/vhost-vsock for a vsock device, or fails as libvirt does and leaves nothing behind", async () => {
    const xml = domainXml('vs1', "<vsock model='virtio'><cid auto='yes'/></vsock>");
    if (existsSync('/dev/vhost-vsock')) {
      const dom = await conn().createXML(xml);
      try {
        expect(await peripherals(dom)).toMatchObject({ vsock0: 'vhost-vsock-pci' });
        const cid = Number(/<cid auto='yes' address='(\d+)'\/>/.exec(await dom.getXMLDesc(0))?.[1]);
        expect(cid).toBeGreaterThanOrEqual(3);
        expect(await qmp(dom, 'qom-get', { path: '/machine/peripheral/vsock0/virtio-backend', property: 'guest-cid' })).toBe(cid);
      } finally {
        await dom.destroy();
      }
    } else {
      // This kernel was built without CONFIG_VHOST_VSOCK, so the module cannot be loaded: only the refusal runs.
      console.log('devs-start: /dev/vhost-vsock does not exist (no vhost_vsock in this kernel): the start is refused, no guest runs');
      const refused = await conn().createXML(xml).then(() => undefined, (e: unknown) => e as { code: number; message: string });
      expect(refused).toMatchObject({ code: ErrorCode.CONFIG_UNSUPPORTED, message: 'unsupported configuration: unable to open vhost-vsock device' });
    }
    // A descriptor that is not vhost-vsock's: the context id cannot be set, in libvirt's words (errno's text).
    process.env['TSVIRT_VHOST_VSOCK'] = '/dev/null';
    try {
      const refused = await conn().createXML(domainXml('vs2', "<vsock model='virtio'><cid auto='no' address='5'/></vsock>")).then(() => undefined, (e: unknown) => e as { message: string });
      expect(refused?.message).toBe('failed to set guest cid: Inappropriate ioctl for device');
      const auto = await conn().createXML(xml).then(() => undefined, (e: unknown) => e as { message: string });
      expect(auto?.message).toBe('failed to acquire guest cid: Inappropriate ioctl for device');
    } finally {
      delete process.env['TSVIRT_VHOST_VSOCK'];
    }
    // Nothing is left: no status, no run directory, no QEMU.
    expect(ctx.root.statuses().filter((s) => /^vs\d$/.test(String(s['name'])))).toEqual([]);
    expect(readdirSync(join(ctx.root.dir, 'run/qemu')).filter((f) => /vs\d/.test(f))).toEqual([]);
    expect(ctx.root.statuses().map((s) => s['pid']).filter((p) => typeof p === 'number' && alive(p))).toEqual([]);
  }, 120_000);
});
