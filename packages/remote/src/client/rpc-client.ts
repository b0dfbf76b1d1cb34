/**
 * One RPC connection to a libvirt daemon over any byte stream: calls matched to replies by serial
 * (many may be in flight), events, streams, keepalive, and a clean failure of everything pending
 * when the peer goes away or breaks the protocol.
 */
import { closeSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCode, ErrorDomain, VirError, errnoText } from '@tsvirt/util';
import { ConnectCloseReason } from '@tsvirt/api';
import {
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
} from '../generated/keepalive-protocol.js';
import {
  VIR_NET_CONTINUE,
  VIR_NET_ERROR,
  VIR_NET_MESSAGE,
  VIR_NET_OK,
  VIR_NET_REPLY,
  VIR_NET_REPLY_WITH_FDS,
  VIR_NET_STREAM,
  VIR_NET_STREAM_HOLE,
} from '../generated/virnet-protocol.js';
import { virErrorFromWire } from '../protocol/error.js';
import { FrameReader } from '../protocol/frame-reader.js';
import { decodeFrame } from '../protocol/header.js';
import { FdReader, checkFdSending, writeWithFds } from './fd-passing.js';
import { decodeError, decodeEvent, decodeRet, encodeCall, encodeEvent, encodeStreamData } from '../protocol/messages.js';
import type { Program } from '../protocol/program.js';
import { keepalive_program, programs } from '../protocol/programs.js';
import { XdrError, XdrReader } from '../protocol/xdr.js';
import type { MessageHeader } from '../protocol/header.js';

/** Keepalive as libvirt's client does it: a ping after `interval` seconds of silence, closed after `count` unanswered. */
export interface KeepaliveOptions {
  readonly interval: number;
  readonly count: number;
}

/** A server-sent event. */
export interface RpcEvent {
  readonly program: Program;
  readonly proc: number;
  readonly msg: unknown;
}

/** What a stream receives from the server. */
export interface StreamSink {
  data(chunk: Uint8Array): void;
  hole(length: bigint): void;
  end(): void;
  fail(err: VirError): void;
}

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: VirError) => void;
  /** The reply may carry descriptors: it resolves with `{ ret, fds }` once they have arrived. */
  readonly withFds?: boolean;
}

/** A reply and the descriptors it carried (callReceivingFds). */
export interface ReplyWithFds {
  readonly ret: unknown;
  readonly fds: number[];
}

export const rpcError = (message: string, code: ErrorCode = ErrorCode.INTERNAL_ERROR): VirError =>
  new VirError(code, message, ErrorDomain.RPC);

/** Closes a descriptor handed out earlier; one its user closed already is no error here. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // EBADF: closed by its user
  }
}

/** How far a stream's unread data may grow before the socket stops being read (flow control). */
const STREAM_HIGH_WATER = 4 * 1024 * 1024;

export class RpcClient {
  private serial = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, StreamSink>();
  private readonly reader = new FrameReader();
  private closedWith: VirError | null = null;
  /** CONNECT_CLOSE was sent: the daemon's hang-up that follows is our own close, not a disconnection. */
  private closeAsked = false;
  private readonly eventHandlers = new Set<(e: RpcEvent) => void>();
  private readonly closeHandlers = new Set<(error: VirError | null, reason: ConnectCloseReason) => void>();
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private unanswered = 0;
  private corked = false;
  /** Frames written while a call's descriptors are being sent, written after them. */
  private heldFrames: Uint8Array[] | undefined;
  /** The last call sending descriptors: the next one waits for it. */
  private fdWrites: Promise<void> = Promise.resolve();
  private streamBuffered = 0;
  /** Event subscriptions that should keep the process alive. */
  private holds = 0;
  /** Reads the socket while a reply's descriptors are expected (made on first use). */
  private fdReader: FdReader | undefined;
  /** Descriptors received and not yet handed to a reply, and the replies waiting for theirs, in order. */
  private readonly fdQueue: number[] = [];
  private readonly fdWaiters: { n: number; deliver: (fds: number[]) => void; reject: (e: VirError) => void }[] = [];
  /** Descriptors handed out by this connection, closed with it. */
  private readonly ownedFds = new Set<number>();

  constructor(
    private readonly sock: Duplex & { ref?(): void; unref?(): void },
    private readonly keepalive: KeepaliveOptions | null = { interval: 5, count: 5 },
  ) {
    sock.on('data', (d: Buffer) => this.onData(d));
    const eof = () => this.fail(this.eofError(), ConnectCloseReason.EOF);
    sock.on('error', (e: NodeJS.ErrnoException) => this.fail(this.ioError(e), e.code === 'EOF' ? ConnectCloseReason.EOF : ConnectCloseReason.ERROR));
    sock.on('close', eof);
    sock.on('end', eof);
    this.updateRef();
  }

  /** Whether the connection is still usable. */
  get alive(): boolean {
    return this.closedWith === null;
  }

  /** Starts sending keepalive pings (after the server said it understands them). */
  startKeepalive(): void {
    if (!this.keepalive || this.keepalive.interval <= 0 || this.keepaliveTimer) return;
    this.keepaliveTimer = setInterval(() => {
      if (this.unanswered >= this.keepalive!.count) {
        this.fail(rpcError('connection closed due to keepalive timeout'), ConnectCloseReason.KEEPALIVE);
        return;
      }
      this.unanswered++;
      this.send(encodeEvent(keepalive_program, KEEPALIVE_PROC_PING, undefined));
    }, this.keepalive.interval * 1000);
    this.keepaliveTimer.unref();
  }

  /** Calls a procedure; resolves with its decoded reply. */
  call(program: Program, proc: number, args?: unknown): Promise<unknown> {
    return this.callWith(program, proc, args, false);
  }

  /**
   * Calls a procedure whose reply carries file descriptors (REPLY_WITH_FDS: `api` is its public
   * name, for NO_SUPPORT when this connection cannot receive them). The descriptors stay open
   * until the connection closes (or `closeFds`).
   */
  async callReceivingFds(program: Program, proc: number, args: unknown, api: string): Promise<ReplyWithFds> {
    if (this.closedWith) throw rpcError('client socket is closed');
    this.fdReader ??= new FdReader(this.sock as Socket, {
      data: (d) => this.onData(d),
      fds: (fds) => this.onFds(fds),
      end: (e) => (e ? this.fail(this.ioError(e), ConnectCloseReason.ERROR) : this.fail(this.eofError(), ConnectCloseReason.EOF)),
    }, api);
    const reader = this.fdReader;
    reader.hold();
    try {
      const r = (await this.callWith(program, proc, args, true)) as ReplyWithFds;
      for (const fd of r.fds) this.ownedFds.add(fd);
      return r;
    } finally {
      if (this.alive) reader.release();
    }
  }

  /** Closes descriptors a reply handed out. */
  closeFds(fds: readonly number[]): void {
    for (const fd of fds) {
      if (this.ownedFds.delete(fd)) closeQuietly(fd);
    }
  }

  /**
   * Calls a procedure that takes file descriptors (CALL_WITH_FDS: the frame, then one dummy byte
   * each carrying one); `api` is its public name, for NO_SUPPORT when this connection cannot send
   * them (refused before anything goes out). Other frames wait until the descriptors have left.
   */
  async callSendingFds(program: Program, proc: number, args: unknown, fds: readonly number[], api: string): Promise<unknown> {
    if (this.closedWith) throw rpcError('client socket is closed');
    checkFdSending(this.sock, api);
    const turn = this.fdWrites;
    let done!: () => void;
    this.fdWrites = new Promise<void>((r) => (done = r));
    await turn;
    this.heldFrames ??= [];
    try {
      return await this.callWith(program, proc, args, false, { nfds: fds.length, write: (frame) => writeWithFds(this.sock as Socket, frame, fds, api) });
    } finally {
      const held = this.heldFrames ?? [];
      this.heldFrames = undefined;
      for (const f of held) this.send(f);
      done();
    }
  }

  private callWith(program: Program, proc: number, args: unknown, withFds: boolean,
    sending?: { readonly nfds: number; readonly write: (frame: Uint8Array) => Promise<void> }): Promise<unknown> {
    if (this.closedWith) return Promise.reject(rpcError('client socket is closed'));
    const serial = this.serial++;
    let frame: Uint8Array;
    try {
      frame = encodeCall(program, proc, serial, args, sending?.nfds);
    } catch (e) {
      // libvirt's words, whichever limit (a field's maximum, the message's 32 MiB) was passed
      return Promise.reject(e instanceof XdrError ? rpcError('Unable to encode message payload', ErrorCode.RPC) : e);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(serial, { resolve, reject, withFds });
      this.updateRef();
      if (!sending) return this.send(frame);
      sending.write(frame).catch((e: Error) => this.fail(this.ioError(e), ConnectCloseReason.ERROR));
    });
  }

  /**
   * Calls a procedure that opens a stream: the sink `makeSink` makes for the stream's serial
   * receives what the server sends on it (possibly before the reply is seen). Resolves with the
   * serial and the call's reply once the server accepted the call.
   */
  async callStream(program: Program, proc: number, args: unknown, makeSink: (serial: number) => StreamSink): Promise<{ serial: number; ret: unknown }> {
    const serial = this.serial;
    this.streams.set(serial, makeSink(serial));
    try {
      return { serial, ret: await this.call(program, proc, args) };
    } catch (e) {
      this.streams.delete(serial);
      throw e;
    }
  }

  /**
   * Sends one stream packet (data with CONTINUE; no data with OK to finish or ERROR to abort; a
   * hole with type STREAM_HOLE), waiting while the socket is full (flow control).
   */
  async sendStreamData(program: Program, proc: number, serial: number, data: Uint8Array | null, status: number = VIR_NET_CONTINUE, type: number = VIR_NET_STREAM): Promise<void> {
    if (this.closedWith) throw this.closedWith;
    const frame = encodeStreamData({ prog: program.program, vers: program.version, proc, type, serial, status }, data);
    if (!this.sock.write(frame)) await new Promise<void>((r) => this.sock.once('drain', r));
  }

  /** Registers a stream sink under a serial (for the finish handshake of an upload). */
  watchStream(serial: number, sink: StreamSink): void {
    this.streams.set(serial, sink);
    this.updateRef();
  }

  /** Stops delivering a stream. */
  forgetStream(serial: number): void {
    this.streams.delete(serial);
    this.updateRef();
  }

  /** The consumer of a stream read `n` bytes: reading the socket may resume. */
  streamConsumed(n: number): void {
    this.streamBuffered -= n;
    if (this.streamBuffered < STREAM_HIGH_WATER && this.sock.isPaused()) this.sock.resume();
  }

  onEvent(handler: (e: RpcEvent) => void): () => void {
    this.eventHandlers.add(handler);
    return () => this.eventHandlers.delete(handler);
  }

  /** `handler` learns why the connection closed: `error` is null and `reason` CLIENT after close(). */
  onClose(handler: (error: VirError | null, reason: ConnectCloseReason) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** Keeps the process alive while something waits for events. */
  hold(): () => void {
    this.holds++;
    this.updateRef();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.updateRef();
    };
  }

  /**
   * Says the connection is being closed by this side (CONNECT_CLOSE goes next): an end of file or
   * I/O error from then on closes it for the client's reason. Node emits a stream's end in a
   * process.nextTick, before the close reply's continuation runs, so an ssh peer that exits at
   * once would otherwise be reported as a disconnection.
   */
  closing(): void {
    this.closeAsked = true;
  }

  /** Closes the connection; pending calls fail. */
  close(): void {
    this.fail(null, ConnectCloseReason.CLIENT);
    this.sock.destroy();
  }

  private send(frame: Uint8Array): void {
    // descriptors being sent: their dummy bytes must follow their frame directly
    if (this.heldFrames) return void this.heldFrames.push(frame);
    // frames written in one tick leave in one write (pipelined calls)
    if (!this.corked) {
      this.corked = true;
      this.sock.cork();
      process.nextTick(() => {
        this.corked = false;
        this.sock.uncork();
      });
    }
    this.sock.write(frame);
  }

  private updateRef(): void {
    const busy = this.pending.size > 0 || this.streams.size > 0 || this.holds > 0;
    if (busy) this.sock.ref?.();
    else this.sock.unref?.();
  }

  private eofError(): VirError {
    return rpcError('End of file while reading data: Input/output error', ErrorCode.SYSTEM_ERROR);
  }

  private ioError(e: NodeJS.ErrnoException & { complaint?: string }): VirError {
    // a command transport's child gone: its last words, in libvirt's frame
    if (e.complaint !== undefined) {
      const [what, why] = e.code === 'ECONNRESET' ? ['Cannot recv data', 'Connection reset by peer'] : ['End of file while reading data', 'Input/output error'];
      return rpcError(`${what}: ${e.complaint ? `${e.complaint}: ` : ''}${why}`, ErrorCode.SYSTEM_ERROR);
    }
    if (e.code === 'EPIPE') return rpcError('Cannot write data: Broken pipe', ErrorCode.SYSTEM_ERROR);
    return rpcError(`Cannot recv data: ${errnoText(e)}`, ErrorCode.SYSTEM_ERROR);
  }

  private onData(d: Buffer): void {
    if (this.closedWith) return;
    this.unanswered = 0;
    try {
      for (const frame of this.reader.push(d)) this.dispatch(frame);
    } catch (e) {
      this.fail(e instanceof VirError ? e : rpcError(e instanceof Error ? e.message : String(e)), ConnectCloseReason.ERROR);
      this.sock.destroy();
    }
  }

  private dispatch(bytes: Uint8Array): void {
    const { header, nfds, payload } = decodeFrame(bytes);
    if (header.prog === KEEPALIVE_PROGRAM) {
      if (header.proc === KEEPALIVE_PROC_PING) this.send(encodeEvent(keepalive_program, KEEPALIVE_PROC_PONG, undefined));
      return;
    }
    switch (header.type) {
      case VIR_NET_REPLY:
      case VIR_NET_REPLY_WITH_FDS:
        return this.onReply(header, payload, nfds);
      case VIR_NET_MESSAGE:
        return this.onEventFrame(header, payload);
      case VIR_NET_STREAM:
      case VIR_NET_STREAM_HOLE:
        return this.onStream(header, payload);
      default: // a call (VIR_NET_CALL) or anything else has no business reaching a client
        throw rpcError(`Unexpected message type ${header.type}`);
    }
  }

  private onReply(header: MessageHeader, payload: Uint8Array, nfds: number): void {
    const p = this.pending.get(header.serial);
    if (!p) {
      throw rpcError(`no call waiting for reply with prog ${header.prog} vers ${header.vers} serial ${header.serial}`);
    }
    this.pending.delete(header.serial);
    this.updateRef();
    if (header.type === VIR_NET_REPLY_WITH_FDS && !p.withFds) {
      // libuv's read dropped them: nothing to close, but the reply is unusable
      const err = rpcError(`reply with ${nfds} file descriptors to a call that passes none`);
      p.reject(err);
      throw err;
    }
    try {
      if (header.status === VIR_NET_OK && p.withFds) {
        const ret = decodeRet(header, payload);
        this.fdWaiters.push({ n: nfds, deliver: (fds) => p.resolve({ ret, fds }), reject: p.reject });
        this.onFds([]);
      } else if (header.status === VIR_NET_OK) p.resolve(decodeRet(header, payload));
      else if (header.status === VIR_NET_ERROR) p.reject(virErrorFromWire(decodeError(payload)));
      else throw new XdrError(`Unexpected message status ${header.status}`);
    } catch (e) {
      const err = e instanceof VirError ? e : rpcError(`Unable to decode message payload: ${(e as Error).message}`, ErrorCode.RPC);
      p.reject(err);
      throw err;
    }
  }

  /** Descriptors arrived (or a reply now waits for some): hand each waiting reply its own, in order. */
  private onFds(fds: number[]): void {
    this.fdQueue.push(...fds);
    while (this.fdWaiters.length && this.fdQueue.length >= this.fdWaiters[0]!.n) {
      const w = this.fdWaiters.shift()!;
      w.deliver(this.fdQueue.splice(0, w.n));
    }
  }

  private onEventFrame(header: MessageHeader, payload: Uint8Array): void {
    let msg: unknown;
    try {
      msg = decodeEvent(header, payload);
    } catch {
      // an event this client cannot decode is dropped, as libvirt drops unknown events
      return;
    }
    const program = programs.get(header.prog);
    if (!program) return;
    for (const h of this.eventHandlers) h({ program, proc: header.proc, msg });
  }

  private onStream(header: MessageHeader, payload: Uint8Array): void {
    const sink = this.streams.get(header.serial);
    if (!sink) return; // data after an abort: libvirt drops it too
    if (header.status === VIR_NET_CONTINUE) {
      if (header.type === VIR_NET_STREAM_HOLE) {
        const r = new XdrReader(payload);
        sink.hole(r.hyper());
        return;
      }
      // an empty data packet is the end of the server's data; the finish handshake follows
      if (payload.length === 0) return sink.end();
      this.streamBuffered += payload.length;
      if (this.streamBuffered >= STREAM_HIGH_WATER) this.sock.pause();
      sink.data(payload.slice());
      return;
    }
    this.streams.delete(header.serial);
    this.updateRef();
    if (header.status === VIR_NET_OK) sink.end();
    else sink.fail(virErrorFromWire(decodeError(payload)));
  }

  private fail(error: VirError | null, reason: ConnectCloseReason): void {
    if (this.closedWith) return;
    if (this.closeAsked && reason !== ConnectCloseReason.KEEPALIVE) reason = ConnectCloseReason.CLIENT;
    this.closedWith = error ?? rpcError('client socket is closed');
    clearInterval(this.keepaliveTimer);
    const err = error ?? rpcError('client socket is closed');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const s of this.streams.values()) s.fail(err);
    this.streams.clear();
    this.fdReader?.stop();
    for (const w of this.fdWaiters.splice(0)) w.reject(err);
    for (const fd of [...this.fdQueue.splice(0), ...this.ownedFds]) closeQuietly(fd);
    this.ownedFds.clear();
    this.holds = 0;
    this.updateRef();
    for (const h of this.closeHandlers) h(error, reason);
    if (error) this.sock.destroy();
  }
}
