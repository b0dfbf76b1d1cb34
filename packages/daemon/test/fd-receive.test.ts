import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeError, decodeRet, encodeCall, fdPassingMissing, remote, remote_program, virnet, writeWithFds, type Frame,
} from '@tsvirt/remote/protocol';
import { addDriverImporter, connect } from '@tsvirt/api';
import { RawClient } from './helpers/raw-client.js';
import { startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
/** The oracle: the machine's libvirtd 9.0 (started when down), its built-in test driver. */
const LIBVIRTD_UP = resolve(dirname(fileURLToPath(import.meta.url)), '../../driver-qemu/scripts/libvirtd-up.sh');
const skip = (existsSync('/usr/sbin/libvirtd') ? undefined : 'libvirtd is not installed') ?? fdPassingMissing();
if (skip && !ci) console.log(`receiving descriptors: the libvirtd comparison is skipped: ${skip}`);
const P = remote;
/** virDrvFeature's FD_PASSING. */
const FD_PASSING = 8;

/** A call frame of type CALL_WITH_FDS announcing `nfds` descriptors. */
function callWithFds(proc: number, serial: number, args: unknown, nfds: number): Buffer {
  const call = Buffer.from(encodeCall(remote_program, proc, serial, args));
  const count = Buffer.alloc(4);
  count.writeUInt32BE(nfds);
  const frame = Buffer.concat([call.subarray(0, 28), count, call.subarray(28)]);
  frame.writeUInt32BE(frame.length, 0);
  frame.writeInt32BE(virnet.VIR_NET_CALL_WITH_FDS, 16);
  return frame;
}

/** A reply's outcome: its value, or `code message` of its error. */
function outcome(f: Frame): string {
  if (f.header.status === virnet.VIR_NET_ERROR) {
    const e = decodeError(f.payload) as { code: number; message: string | null };
    return `${e.code} ${e.message}`;
  }
  return JSON.stringify(decodeRet(f.header, f.payload), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

/** Whether process `pid` holds `path` open. */
const holds = (pid: number, path: string): boolean => readdirSync(`/proc/${pid}/fd`).some((fd) => {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
  } catch {
    return false;
  }
});

/**
 * The receiving side of libvirt's descriptor passing (CALL_WITH_FDS): the count after the header,
 * one dummy byte per descriptor after the frame, each carrying it (SCM_RIGHTS). The same raw
 * exchanges go to the machine's libvirtd 9.0 (its test driver) and to tsvirtd, whose outcomes must agree.
 */
describe.skipIf(skip && !ci)('descriptors a client sends with its calls, tsvirtd against libvirtd 9.0', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirtd-fdrecv-${process.pid}-`));
  let d: DaemonProcess;
  const daemons: Record<string, { socket: string; pid: number }> = {};
  beforeAll(async () => {
    d = await startDaemon();
    expect(spawnSync(LIBVIRTD_UP, { stdio: 'inherit', timeout: 60_000 }).status).toBe(0);
    daemons['libvirtd'] = { socket: '/run/libvirt/libvirt-sock', pid: Number(readFileSync('/run/libvirtd.pid', 'utf8')) };
    daemons['tsvirtd'] = { socket: d.rw, pid: d.child.pid! };
  }, 120_000);
  afterAll(async () => {
    await d?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `steps` on a fresh client of each daemon; answers each daemon's lines. */
  async function both(steps: (c: RawClient, pid: number, marker: string) => Promise<string[]>): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const [name, { socket, pid }] of Object.entries(daemons)) {
      const marker = join(dir, `${name}-marker`);
      writeFileSync(marker, 'x');
      const c = await RawClient.open(socket);
      await c.openConnection('test:///default');
      try {
        out[name] = await steps(c, pid, marker);
      } finally {
        c.close();
      }
    }
    return out;
  }

  it('a call that takes none is served and its descriptors closed at once; FD_ASSOCIATE reaches the driver; calls pipeline around them', async () => {
    const out = await both(async (c, pid, marker) => {
      const fd = openSync(marker, 'r');
      const lines: string[] = [];
      try {
        const dom = ((await c.call(P.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, { name: 'test' })) as { dom: unknown }).dom;
        // a plain call written right behind one with two descriptors: both answered, in order
        const replies = [900, 901, 902].map((s) => c.next((f) => f.header.serial === s));
        await writeWithFds(c.socket, callWithFds(P.REMOTE_PROC_CONNECT_GET_TYPE, 900, undefined, 2), [fd, fd], 'test');
        c.socket.write(encodeCall(remote_program, P.REMOTE_PROC_CONNECT_GET_TYPE, 901));
        await writeWithFds(c.socket, callWithFds(P.REMOTE_PROC_DOMAIN_FD_ASSOCIATE, 902, { dom, name: 'g', flags: 0 }, 1), [fd], 'test');
        lines.push(...(await Promise.all(replies)).map(outcome));
        lines.push(`holds the file after the calls: ${holds(pid, marker)}`);
        // FD_ASSOCIATE as a plain call: no descriptor
        lines.push(outcome(await c.callRaw(P.REMOTE_PROC_DOMAIN_FD_ASSOCIATE, Buffer.from(encodeCall(remote_program, P.REMOTE_PROC_DOMAIN_FD_ASSOCIATE, 0, { dom, name: 'g', flags: 0 })).subarray(28))));
        lines.push(`FD_PASSING: ${JSON.stringify(await c.call(P.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, { feature: FD_PASSING, flags: 0 }))}`);
      } finally {
        closeSync(fd);
      }
      return lines;
    });
    expect(out['tsvirtd']).toEqual(out['libvirtd']);
    expect(out['tsvirtd']).toEqual([
      '{"type":"TEST"}', '{"type":"TEST"}',
      '3 this function is not supported by the connection driver: virDomainFDAssociate',
      'holds the file after the calls: false',
      '8 nfds in virDomainFDAssociate must not be zero',
      'FD_PASSING: {"supported":1}',
    ]);
  });

  it('a carrier byte without its descriptor, more than 32 descriptors, or a client gone before all its descriptors (those received closed): that client is dropped, the others served', async () => {
    const out = await both(async (c) => {
      const lines: string[] = [];
      c.socket.write(Buffer.concat([callWithFds(P.REMOTE_PROC_CONNECT_GET_TYPE, 900, undefined, 1), Buffer.alloc(1)]));
      await c.closed;
      lines.push(`bare carrier: closed ${c.isClosed}`);
      return lines;
    });
    expect(out['tsvirtd']).toEqual(out['libvirtd']);
    for (const [name, { socket, pid }] of Object.entries(daemons)) {
      const many = await RawClient.open(socket);
      await many.openConnection('test:///default');
      many.socket.write(callWithFds(P.REMOTE_PROC_CONNECT_GET_TYPE, 900, undefined, 33));
      await many.closed;
      // a client gone with one of its call's two descriptors sent: the daemon lets go of it
      const marker = join(dir, `${name}-gone`);
      writeFileSync(marker, 'x');
      const fd = openSync(marker, 'r');
      const gone = await RawClient.open(socket);
      await gone.openConnection('test:///default');
      await writeWithFds(gone.socket, callWithFds(P.REMOTE_PROC_CONNECT_GET_TYPE, 900, undefined, 2), [fd], 'test');
      closeSync(fd);
      await waitFor(() => holds(pid, marker), 10_000, `${name} to receive the descriptor`);
      gone.close();
      await waitFor(() => !holds(pid, marker), 10_000, `${name} to close the descriptor of a client gone`);
      const next = await RawClient.open(socket);
      await next.openConnection('test:///default');
      expect(await next.call(P.REMOTE_PROC_CONNECT_GET_TYPE)).toEqual({ type: 'TEST' });
      next.close();
    }
  });
});

describe('descriptors over TCP, where none can travel', () => {
  let d: DaemonProcess;
  let port: number;
  beforeAll(async () => {
    port = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    d = await startDaemon(['--listen', `tcp://127.0.0.1:${port}`]);
  }, 60_000);
  afterAll(async () => d?.dispose());

  it('FD_PASSING is answered 0 and an FD_ASSOCIATE that announces some is NO_SUPPORT saying why; the client stays', async () => {
    const c = await RawClient.open({ host: '127.0.0.1', port });
    await c.openConnection('test:///default');
    expect(await c.call(P.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, { feature: FD_PASSING, flags: 0 })).toEqual({ supported: 0 });
    const dom = ((await c.call(P.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, { name: 'test' })) as { dom: unknown }).dom;
    c.socket.write(Buffer.concat([callWithFds(P.REMOTE_PROC_DOMAIN_FD_ASSOCIATE, 900, { dom, name: 'g', flags: 0 }, 1), Buffer.alloc(1)]));
    expect(outcome(await c.next((f) => f.header.serial === 900))).toBe('3 this function is not supported by the connection driver: '
      + 'virDomainFDAssociate: file descriptor passing is not available: only a unix socket carries descriptors');
    expect(await c.call(P.REMOTE_PROC_CONNECT_GET_TYPE)).toEqual({ type: 'TEST' });
    c.close();
  });
});

describe('a daemon without the descriptor addon (TSVIRT_FDPASS=0)', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    d = await startDaemon([], undefined, { env: { TSVIRT_FDPASS: '0' } });
  }, 60_000);
  afterAll(async () => d?.dispose());

  it('answers FD_PASSING 0, so libvirt\'s client refuses before sending any; its other calls are served', () => {
    const py = `import libvirt, os, sys
c = libvirt.open(sys.argv[1])
d = c.lookupByName('test')
try:
    d.FDAssociate('g', [os.open('/dev/null', os.O_RDONLY)])
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_message())
print(d.name())`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, `test+unix:///default?socket=${d.rw}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('74 argument unsupported: fd passing is not supported by this connection\ntest\n');
  });

  it('tsvirt\'s remote client asks the same and refuses the same', async () => {
    addDriverImporter((m) => import(m));
    const conn = await connect(`test+unix:///default?socket=${d.rw}`);
    try {
      const dom = await conn.lookupByName('test');
      await expect(dom.fdAssociate('g', [0])).rejects.toMatchObject({ code: 74, domain: 20, message: 'argument unsupported: fd passing is not supported by this connection' });
      expect(dom.getName()).toBe('test');
    } finally {
      await conn.close();
    }
  });
});
