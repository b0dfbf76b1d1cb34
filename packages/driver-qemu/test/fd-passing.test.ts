import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@tsvirt/api';
import { domainXml, TestRoot } from './helpers.js';

let root: TestRoot;
let conn: Connection;

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
});
afterAll(() => root.cleanup());

/** QEMU's pid of a running domain, from its status file. */
const pidOf = (name: string): number => root.statuses().find((s) => s['name'] === name)!['pid'] as number;
const argv = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

/** The listening UNIX sockets of the host, by inode: their paths. */
function listeningUnix(): Map<string, string> {
  const rows = readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  // Flags 00010000 is __SO_ACCEPTCON: the socket listens.
  return new Map(rows.filter((r) => r[3] === '00010000' && r[7]).map((r) => [r[6]!, r[7]!]));
}

/** The chardev a `-chardev socket,id=ID,fd=N,...` names: N, and the path of the listening socket QEMU has as fd N. */
function passedSocket(pid: number, id: string): { arg: string; path: string | undefined } {
  const arg = argv(pid).find((a) => a.startsWith(`socket,id=${id},`)) ?? '';
  const fd = /,fd=(\d+),/.exec(arg)?.[1];
  const inode = fd === undefined ? undefined : /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
  return { arg, path: inode === undefined ? undefined : listeningUnix().get(inode) };
}

/** A boot sector that writes `text` to COM1 and halts. */
function helloSector(text: string): Buffer {
  const code = [
    0x31, 0xc0, 0x8e, 0xd8, 0xfc, // xor ax,ax; mov ds,ax; cld
    0xbe, 0x16, 0x7c, // mov si, 0x7c16 (the text)
    0xac, 0x84, 0xc0, 0x74, 0x06, // next: lodsb; test al,al; jz done
    0xba, 0xf8, 0x03, 0xee, 0xeb, 0xf5, // mov dx,0x3f8; out dx,al; jmp next
    0xf4, 0xeb, 0xfd, // done: hlt; jmp done
  ];
  const body = Buffer.alloc(510);
  Buffer.concat([Buffer.from(code), Buffer.from(`${text}\0`)]).copy(body);
  return Buffer.concat([body, Buffer.from([0x55, 0xaa])]);
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

async function connected(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect(path, () => resolve(s));
    s.once('error', reject);
  });
}

/** The filename QEMU reports for a chardev (`disconnected:` while no client is on a socket it serves). */
async function chardevFile(name: string, label: string): Promise<string> {
  const dom = await conn.lookupByName(name);
  const all = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-chardev"}')) as { return: Array<{ label: string; filename: string }> };
  return all.return.find((c) => c.label === label)?.filename ?? '';
}

describe('descriptors the driver opens and passes to QEMU, as libvirt 9.0 does (real QEMU)', () => {
  it('the monitors and the UNIX chardevs QEMU serves are sockets the driver made, passed as fd=N', async () => {
    const serial = join(root.dir, 'serial.sock');
    const dom = await conn.defineXML(domainXml('m1', `
      <serial type='unix'><source mode='bind' path='${serial}'/><target port='0'/></serial>
      <channel type='unix'><source mode='bind'/><target type='virtio' name='org.example.fd'/></channel>`));
    writeFileSync(serial, 'stale');
    await dom.create();
    const pid = pidOf('m1');
    const run = root.statuses().find((s) => s['name'] === 'm1')!['runDir'] as string;
    for (const [id, path] of [['charmonitor', join(run, 'monitor.sock')], ['tsvirt-events', join(run, 'events.sock')],
      ['charserial0', serial], ['charchannel0', join(run, 'channel-org.example.fd')]] as const) {
      const got = passedSocket(pid, id);
      expect(got.arg).toMatch(new RegExp(`^socket,id=${id},fd=\\d+,server=on,wait=off$`));
      expect(got.path).toBe(path);
    }
    // No path= is left on the command line for them, and nothing under a temporary name.
    expect(argv(pid).filter((a) => /^socket,.*path=/.test(a))).toEqual([]);
    expect(readdirSync(run).filter((f) => f.startsWith('.'))).toEqual([]);
    // The monitor answers, and a client of the serial port reaches QEMU.
    expect(JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-status"}'))).toMatchObject({ return: { status: 'running' } });
    expect(await chardevFile('m1', 'charserial0')).toMatch(/^disconnected:/);
    const client = await connected(serial);
    for (let i = 0; i < 200 && (await chardevFile('m1', 'charserial0')).startsWith('disconnected:'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await chardevFile('m1', 'charserial0')).toMatch(/^unix:/);
    client.destroy();
    // The live XML names the channel's socket, as before.
    expect(await dom.getXMLDesc()).toContain(`<source mode='bind' path='${join(run, 'channel-org.example.fd')}'/>`);
    await dom.destroy();
    expect(existsSync(run)).toBe(false);
  });

  it("a file chardev's output and its log are files the driver opened, passed as fd sets (-add-fd), written by the guest", async () => {
    const [out, log, img] = ['serial.out', 'serial.log', 'hello.img'].map((f) => join(root.dir, f)) as [string, string, string];
    writeFileSync(img, helloSector('fd passed'));
    writeFileSync(out, 'old output ');
    writeFileSync(log, 'kept ');
    const dom = await conn.defineXML(domainXml('f1', `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='hda' bus='ide'/></disk>
      <serial type='file'><source path='${out}' append='off'/><log file='${log}' append='on'/><target port='0'/></serial>`));
    await dom.create();
    const pid = pidOf('f1');
    const args = argv(pid);
    const at = args.indexOf('-add-fd');
    expect(args.slice(at, at + 6)).toEqual(['-add-fd', expect.stringMatching(/^set=0,fd=\d+,opaque=serial0-source$/), '-add-fd', expect.stringMatching(/^set=1,fd=\d+,opaque=serial0-log$/),
      '-chardev', 'file,id=charserial0,path=/dev/fdset/0,append=on,logfile=/dev/fdset/1,logappend=on']);
    const sets = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-fdsets"}')) as { return: Array<{ 'fdset-id': number; fds: Array<{ opaque: string }> }> };
    expect(sets.return.map((s) => [s['fdset-id'], s.fds.map((f) => f.opaque)]).sort()).toEqual([[0, ['serial0-source']], [1, ['serial0-log']]]);
    for (let i = 0; i < 300 && !readFileSync(log, 'utf8').includes('fd passed'); i++) await new Promise((r) => setTimeout(r, 20));
    // Opened as libvirt opens them: the output truncated (append='off'), the log appended to.
    expect(readFileSync(out, 'utf8')).toBe('fd passed');
    expect(readFileSync(log, 'utf8')).toBe('kept fd passed');
    // Only QEMU holds them.
    expect(readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } })).not.toContain(out);
    await dom.destroy();
  });

  it('a start whose socket cannot be made, or whose QEMU fails, leaves no process, socket, run directory or descriptor', async () => {
    const before = openFds();
    const missing = join(root.dir, 'nowhere', 'serial.sock');
    const dom = await conn.defineXML(domainXml('m2', `<serial type='unix'><source mode='bind' path='${missing}'/><target port='0'/></serial>`));
    await expect(dom.create()).rejects.toThrow(`Failed to bind socket to '${missing}': No such file or directory`);
    expect(root.statuses().filter((s) => s['name'] === 'm2' && s['pid'] !== undefined)).toEqual([]);
    expect(readdirSync(join(root.dir, 'run', 'qemu')).filter((f) => f.includes('m2'))).toEqual([]);

    // A file that cannot be made, after a socket and another file were: none of them is left open.
    const nofile = join(root.dir, 'nowhere', 'serial.log');
    const files = await conn.defineXML(domainXml('m4', `<serial type='file'><source path='${join(root.dir, 'first.log')}'/><target port='0'/></serial>
      <serial type='file'><source path='${nofile}'/><target port='1'/></serial>`));
    await expect(files.create()).rejects.toThrow(`Unable to pre-create chardev file '${nofile}': No such file or directory`);

    // A QEMU that fails once the sockets are made: they go with its run.
    const serial = join(root.dir, 'serial2.sock');
    const fake = join(root.dir, 'fake-qemu');
    writeFileSync(fake, '#!/bin/sh\necho "qemu: nope" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const bad = await conn.defineXML(domainXml('m3', `<emulator>${fake}</emulator><serial type='unix'><source mode='bind' path='${serial}'/><target port='0'/></serial>`));
    await expect(bad.create()).rejects.toThrow('process exited while connecting to monitor: qemu: nope');
    expect(existsSync(serial)).toBe(false);
    expect(readdirSync(join(root.dir, 'run', 'qemu')).filter((f) => f.includes('m3'))).toEqual([]);
    expect(openFds()).toBe(before);
  });
});
