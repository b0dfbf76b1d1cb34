import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@tsvirt/api';
import { busyboxRootfs, containersMissing, echoContainerXML } from '@tsvirt/api/testing';
import { FrameReader, decodeFrame, encodeReply, fdPassingMissing, lxc_program, writeWithFds } from '../src/protocol.js';
import { RpcClient } from '../src/client/rpc-client.js';
import { LXC_PROC_DOMAIN_OPEN_NAMESPACE } from '../src/generated/lxc-protocol.js';
import './helpers/daemon-suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const PRIVATE_LXC = resolve(here, '../../driver-lxc/test/fixtures/libvirtd-private.sh');
const ci = process.env.CI === 'true';

describe('descriptors on the wire (REPLY_WITH_FDS framing)', () => {
  const reply = (nfds: number) => encodeReply(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, 7, undefined, nfds);

  it('the count follows the header, and the carrier bytes after the frame are no frame of their own', () => {
    const frame = reply(3);
    expect(decodeFrame(frame)).toMatchObject({ header: { type: 5, serial: 7 }, nfds: 3, payload: new Uint8Array() });
    const next = encodeReply(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, 8);
    const reader = new FrameReader();
    // the frame, its 3 dummy bytes split across reads, then another frame
    const bytes = Buffer.concat([frame, Buffer.alloc(3), next]);
    const got = [...reader.push(bytes.subarray(0, frame.length + 1)), ...reader.push(bytes.subarray(frame.length + 1, frame.length + 2)), ...reader.push(bytes.subarray(frame.length + 2))];
    expect(got.map((f) => decodeFrame(f).header.serial)).toEqual([7, 8]);
    expect(reader.pending).toBe(0);
  });

  it('more than libvirt\'s 32 descriptors a message is refused', () => {
    expect(() => new FrameReader().push(reply(33))).toThrow('Too many FDs received from remote: 33, maximum 32');
  });
});

/** A one-client unix server that answers the first call with `answer` (or hangs up), and the client's RpcClient. */
async function fakePeer(answer: (sock: Socket, serial: number) => Promise<void> | void): Promise<{ client: RpcClient; close: () => void }> {
  const path = join(mkdtempSync(join(tmpdir(), `tsvirt-fdpeer-${process.pid}-`)), 'sock');
  const server = createServer((sock) => {
    const reader = new FrameReader();
    sock.on('data', (b: Buffer) => {
      for (const f of reader.push(b)) void answer(sock, decodeFrame(f).header.serial);
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(path, r));
  const sock = createConnection(path);
  await new Promise((r) => sock.once('connect', r));
  const client = new RpcClient(sock, null);
  return { client, close: () => { client.close(); server.close(); rmSync(dirname(path), { recursive: true, force: true }); } };
}

const ARGS = { dom: { name: 'x', uuid: new Uint8Array(16), id: -1 }, flags: 0 };
const API = 'virDomainLxcOpenNamespace';

describe.skipIf(!ci && fdPassingMissing() !== undefined)('descriptors between two processes\' sockets (a fake peer)', () => {
  it('a reply\'s descriptors arrive, each the very file the peer sent', async () => {
    const peer = await fakePeer(async (sock, serial) => {
      const fds = [openSync('/dev/null', 'r'), openSync('/proc/self/ns/net', 'r')];
      await writeWithFds(sock, encodeReply(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, serial, undefined, fds.length), fds, API);
      fds.forEach((fd) => closeSync(fd));
    });
    const r = await peer.client.callReceivingFds(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, ARGS, API);
    expect(r.fds.map((fd) => readlinkSync(`/proc/self/fd/${fd}`))).toEqual(['/dev/null', readlinkSync('/proc/self/ns/net')]);
    peer.close();
    // closing the connection closed them
    expect(r.fds.some((fd) => existsSync(`/proc/self/fd/${fd}`) && readlinkSync(`/proc/self/fd/${fd}`) === '/dev/null')).toBe(false);
  });

  it('the peer gone while descriptors are due: the call fails with end of file, no hang', async () => {
    const peer = await fakePeer((sock) => void sock.destroy());
    await expect(peer.client.callReceivingFds(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, ARGS, API)).rejects.toMatchObject({
      message: 'End of file while reading data: Input/output error',
    });
    peer.close();
  });

  it('descriptors announced to a call that passes none: a clear error, and the connection closes', async () => {
    const peer = await fakePeer((sock, serial) => void sock.write(encodeReply(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, serial, undefined, 1)));
    await expect(peer.client.call(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, ARGS)).rejects.toMatchObject({
      message: 'internal error: reply with 1 file descriptors to a call that passes none',
    });
    expect(peer.client.alive).toBe(false);
    peer.close();
  });
});

const why = ci ? undefined : (containersMissing() ?? fdPassingMissing() ?? (existsSync('/usr/sbin/libvirtd') ? undefined : 'libvirtd is not installed'));
if (why) console.log(`fd passing through libvirtd skipped: ${why}`);

describe.skipIf(why !== undefined)('lxcOpenNamespace through Debian\'s libvirtd (SCM_RIGHTS)', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-remote-fds-${process.pid}-`));
  const name = `rfd${process.pid}`;
  let daemon: number;
  let uri: string;
  beforeAll(async () => {
    const state = join(dir, 'libvirtd');
    daemon = Number(execFileSync(PRIVATE_LXC, [state], { encoding: 'utf8' }).trim());
    uri = `lxc+unix:///system?socket=${join(state, 'run', 'libvirt-sock')}`;
    const conn = await connect(uri);
    await conn.createXML(echoContainerXML(name, busyboxRootfs(join(dir, 'rootfs'))));
    await conn.close();
  }, 60_000);
  afterAll(async () => {
    const conn = await connect(uri).catch(() => undefined);
    await (await conn?.lookupByName(name).catch(() => undefined))?.destroy().catch(() => undefined);
    await conn?.close();
    try {
      process.kill(daemon, 'SIGTERM');
    } catch {
      // gone already
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('receives init\'s namespaces, the very ones python3-libvirt receives, and finds init', async () => {
    const py = `import libvirt, libvirt_lxc, os, sys
c = libvirt.open(sys.argv[1])
for fd in libvirt_lxc.lxcOpenNamespace(c.lookupByName(sys.argv[2]), 0):
    print(os.readlink('/proc/self/fd/%d' % fd))`;
    const received = execFileSync('/usr/bin/python3', ['-c', py, uri, name], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' }).trim().split('\n');
    // as the local driver, the namespaces this process is in already (here the user one) are left out
    const own = received.filter((t) => readlinkSync(`/proc/self/ns/${t.split(':')[0]}`) === t);
    expect(own.length).toBeLessThan(received.length);
    const expected = received.filter((t) => !own.includes(t));
    const conn = await connect(uri);
    const ns = await (await conn.lookupByName(name)).lxcOpenNamespace();
    const targets = ns.namespaces.map((n) => readlinkSync(n.path));
    expect(targets).toEqual(expected);
    expect(ns.namespaces.map((n) => n.kind)).toEqual(expected.map((t) => t.split(':')[0]));
    expect(ns.namespaces.every((n) => n.path.startsWith(`/proc/${process.pid}/fd/`))).toBe(true);
    // init: the process of that pid namespace that is pid 1 there
    expect(readlinkSync(`/proc/${ns.pid}/ns/pid`)).toBe(received.find((t) => t.startsWith('pid:')));
    expect(/^NSpid:.*\s1$/m.test(readFileSync(`/proc/${ns.pid}/status`, 'utf8'))).toBe(true);
    // usable by another process: nsenter into the container's uts namespace sees its hostname
    const uts = ns.namespaces.find((n) => n.kind === 'uts')!;
    const host = execFileSync('nsenter', [`--uts=${uts.path}`, 'hostname'], { encoding: 'utf8' }).trim();
    expect(host).toBe(name);
    // the connection still works after its reading came back from the addon, and pipelines
    expect(await Promise.all([conn.getHostname(), (await conn.lookupByName(name)).isActive()])).toEqual([expect.any(String), true]);
    await conn.close();
    // closing the connection closed the descriptors
    expect(ns.namespaces.some((n) => existsSync(n.path) && readlinkSync(n.path) === targets[0])).toBe(false);
  }, 60_000);

  it('tsvirsh lxc-enter-namespace over lxc+unix:// prints what Debian\'s virsh prints', () => {
    const tsvirsh = resolve(here, '../../../tools/virsh/test/oracle/tsvirsh-node.sh');
    const args = ['-c', uri, 'lxc-enter-namespace', name, '--noseclabel', '--', '/bin/busybox', 'sh', '-c', 'hostname; ls /bin'];
    const ours = spawnSync(tsvirsh, args, { encoding: 'utf8', timeout: 60_000 });
    const theirs = spawnSync('virsh', args, { encoding: 'utf8', timeout: 60_000 });
    expect([ours.stdout, ours.stderr, ours.status]).toEqual([theirs.stdout, theirs.stderr, theirs.status]);
    expect(ours.stdout).toContain(`${name}\n`);
  }, 60_000);

  it('several at once on one connection, beside other calls', async () => {
    const conn = await connect(uri);
    const dom = await conn.lookupByName(name);
    const [a, , b] = await Promise.all([dom.lxcOpenNamespace(), dom.getXMLDesc(), dom.lxcOpenNamespace(), conn.listAllDomains()]);
    expect(a.namespaces.map((n) => readlinkSync(n.path))).toEqual(b.namespaces.map((n) => readlinkSync(n.path)));
    expect(a.namespaces.length).toBeGreaterThan(0);
    await conn.close();
  }, 60_000);

  it('without the addon (TSVIRT_FDPASS=0): NO_SUPPORT saying why, and the connection stays usable', () => {
    const script = `import { connect } from '@tsvirt/api';
const conn = await connect(process.argv[1]);
const dom = await conn.lookupByName(process.argv[2]);
try { await dom.lxcOpenNamespace(); } catch (e) { console.log(e.code, e.message); }
console.log(await dom.isActive());
await conn.close();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, uri, name], {
      cwd: resolve(here, '..'), encoding: 'utf8', env: { ...process.env, TSVIRT_FDPASS: '0' }, timeout: 30_000,
    });
    expect(r.stdout).toBe('3 this function is not supported by the connection driver: virDomainLxcOpenNamespace: file descriptor passing is not available: TSVIRT_FDPASS=0 turns it off\ntrue\n');
  }, 60_000);
});
