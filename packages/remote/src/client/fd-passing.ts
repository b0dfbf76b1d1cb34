/**
 * File descriptors over unix sockets (SCM_RIGHTS), which Node 20's core can neither send nor
 * receive: a small Node-API addon (`native/fdpass.c`, built by `scripts/build-native.mjs` with the
 * C compiler and Node's headers when both are there) does the `sendmsg`/`recvmsg`. Optional: when
 * it is not built (or `TSVIRT_FDPASS=0`), the calls that pass descriptors fail with NO_SUPPORT.
 *
 * Receiving takes the socket's reading away from libuv for as long as descriptors are expected
 * (libuv's `read` would drop them: the kernel closes descriptors a plain read skips), polling a
 * duplicate of the descriptor on Node's own loop.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** What the addon offers (see native/fdpass.c). */
interface FdAddon {
  recv(fd: number): { data: Buffer; fds: number[]; truncated?: boolean } | null;
  send(fd: number, data: Buffer, fds: readonly number[]): number;
  watch(fd: number, callback: (status: number) => void): object;
  unwatch(watch: object): void;
}

// dist/client/x.js, dist/bundle/x.js and src/client/x.ts all find dist/native and native/ this way
const ADDON = new URL('../../dist/native/fdpass.node', import.meta.url);
/** The same addon prebuilt for this platform, shipped in the package for machines without a C compiler. */
const PREBUILT = new URL(`../../native/prebuilt/${process.platform}-${process.arch}-gnu/fdpass.node`, import.meta.url);

let addon: FdAddon | null | undefined;
let missing: string | undefined;

function load(): FdAddon | null {
  if (addon !== undefined) return addon;
  if (process.env.TSVIRT_FDPASS === '0') {
    missing = 'TSVIRT_FDPASS=0 turns it off';
    return (addon = null);
  }
  // the one built here first; TSVIRT_FDPASS=prebuilt takes the shipped one
  const paths = process.env.TSVIRT_FDPASS === 'prebuilt' ? [PREBUILT] : [ADDON, PREBUILT];
  const why: string[] = [];
  for (const path of paths) {
    try {
      return (addon = createRequire(import.meta.url)(path.pathname) as FdAddon);
    } catch (e) {
      why.push(`${path.pathname}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  missing = `its addon is neither built nor prebuilt for ${process.platform}-${process.arch} (${why.join('; ')}); `
    + "scripts/build-native.mjs builds it with a C compiler and Node's headers";
  return (addon = null);
}

/** Why descriptors cannot be passed in this process, or undefined when they can. */
export function fdPassingMissing(): string | undefined {
  load();
  return missing;
}

/** The descriptor under a unix socket, if `sock` is one (TLS, ssh and command transports are not). */
export function unixSocketFd(sock: unknown): number | undefined {
  const handle = (sock as { _handle?: { fd?: number } } | null)?._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 && handle?.constructor.name === 'Pipe' ? fd : undefined;
}

/** libvirt's refusal of a call that passes descriptors where they cannot be. */
export function noFdPassing(api: string, why: string): VirError {
  return new VirError(ErrorCode.NO_SUPPORT, `${api}: file descriptor passing is not available: ${why}`, ErrorDomain.RPC);
}

/** The addon, or NO_SUPPORT naming `api` and the reason. */
function need(api: string, sock: unknown): { fd: number; lib: FdAddon } {
  const lib = load();
  if (!lib) throw noFdPassing(api, missing!);
  const fd = unixSocketFd(sock);
  if (fd === undefined) throw noFdPassing(api, 'only a unix socket carries descriptors');
  return { fd, lib };
}

/** Refuses (NO_SUPPORT naming `api`) unless descriptors can be sent on `sock`. */
export function checkFdSending(sock: unknown, api: string): void {
  need(api, sock);
}

/** The most one `recv` reads (native/fdpass.c's RECV_BYTES). */
const RECV_BYTES = 65536;

/** libuv's reading of a net.Socket, stopped and started as net.Socket itself does it. */
interface StreamHandle {
  reading?: boolean;
  readStop(): number;
  readStart(): number;
}

/** Where bytes and descriptors read while the reader holds the socket go. */
export interface FdSink {
  data(chunk: Buffer): void;
  fds(fds: number[]): void;
  /** The peer closed its end (`error` undefined) or reading failed. */
  end(error?: Error): void;
}

/**
 * Holds a unix socket's reading while descriptors are expected: `hold()` before sending a call
 * whose reply carries descriptors, `release()` once they have arrived (nested holds count).
 */
export class FdReader {
  #holds = 0;
  #watch: object | undefined;

  constructor(private readonly sock: Socket, private readonly sink: FdSink, private readonly api: string) {}

  hold(): void {
    const { fd, lib } = need(this.api, this.sock);
    if (this.#holds++ > 0) return;
    const handle = (this.sock as unknown as { _handle: StreamHandle })._handle;
    handle.reading = false;
    handle.readStop();
    this.watch(lib, fd);
  }

  release(): void {
    if (this.#holds === 0 || --this.#holds > 0) return;
    this.stop();
    if (this.sock.destroyed) return;
    const handle = (this.sock as unknown as { _handle: StreamHandle | null })._handle;
    if (!handle) return;
    handle.reading = true;
    handle.readStart();
  }

  /** Stops reading while holding the socket (a server pausing a busy client); `resume()` reads again. */
  pause(): void {
    if (this.#watch) load()!.unwatch(this.#watch);
    this.#watch = undefined;
  }

  resume(): void {
    if (this.#holds === 0 || this.#watch) return;
    const { fd, lib } = need(this.api, this.sock);
    this.watch(lib, fd);
  }

  /** Stops holding the socket (it is closing). */
  stop(): void {
    this.#holds = 0;
    this.pause();
  }

  private watch(lib: FdAddon, fd: number): void {
    this.#watch = lib.watch(fd, () => this.drain(lib, fd));
    // bytes may already wait in the kernel: the poll reports them too, but only on the next turn
    setImmediate(() => this.drain(lib, fd));
  }

  private drain(lib: FdAddon, fd: number): void {
    while (this.#watch) {
      let got: ReturnType<FdAddon['recv']>;
      try {
        got = lib.recv(fd);
      } catch (e) {
        this.stop();
        this.sink.end(e as Error);
        return;
      }
      if (!got) return;
      if (got.fds.length) this.sink.fds(got.fds);
      if (got.data.length === 0) {
        this.stop();
        this.sink.end();
        return;
      }
      this.sink.data(got.data);
      // a short read emptied the socket for now; the poll (level-triggered) reports more
      if (got.data.length < RECV_BYTES) return;
    }
  }
}

/**
 * Writes a frame, then its descriptors once the frame has left: one dummy byte each, as libvirt
 * sends them. The caller holds back its other writes until this settles.
 */
export async function writeWithFds(sock: Socket, frame: Uint8Array, fds: readonly number[], api: string): Promise<void> {
  const { fd, lib } = need(api, sock);
  await new Promise<void>((resolve, reject) => sock.write(frame, (e) => (e ? reject(e) : resolve())));
  for (const one of fds) {
    // a full socket (rare for one byte): wait a little and try again
    while (lib.send(fd, Buffer.alloc(1), [one]) < 0) {
      if (sock.destroyed) throw new VirError(ErrorCode.SYSTEM_ERROR, 'Cannot write data: socket closed', ErrorDomain.RPC);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** What the kernel names a namespace descriptor: `net:[4026531840]`. */
function nsName(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** A received namespace descriptor's kind (`net`, `mnt`, ...). */
export function namespaceKind(fd: number): string {
  const target = nsName(`/proc/self/fd/${fd}`) ?? '';
  return /^(\w+):\[/.exec(target)?.[1] ?? target;
}

/** Whether the namespace descriptor `fd` is this process's own namespace of `kind`. */
export function isOwnNamespace(fd: number, kind: string): boolean {
  const mine = nsName(`/proc/self/ns/${kind}`);
  return mine !== undefined && mine === nsName(`/proc/self/fd/${fd}`);
}

/**
 * The host pid of the init of the pid namespace `pidNsFd` refers to (a unix socket's peer is on
 * this host): the process in that namespace whose pid there is 1; 0 when none is seen.
 */
export function namespaceInit(pidNsFd: number): number {
  const want = nsName(`/proc/self/fd/${pidNsFd}`);
  if (!want) return 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || nsName(`/proc/${entry}/ns/pid`) !== want) continue;
    try {
      const nspid = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
      if (nspid?.at(-1) === '1') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return 0;
}
