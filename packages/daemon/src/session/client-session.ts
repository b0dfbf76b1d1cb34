import type { Socket } from 'node:net';
import {
  FdReader, FrameReader, decodeFrame, encodeEvent, fdPassingMissing, keepalive, keepalive_program, unixSocketFd, virnet, writeWithFds, type Frame,
} from '@tsvirt/remote/protocol';
import { logger } from '@tsvirt/util';
import { ClientContext } from '../dispatch/client-context.js';
import { ClientAuth } from '../auth/client-auth.js';
import { dispatchCall } from '../dispatch/dispatch-call.js';
import { closeFds, type DispatchReply } from '../dispatch/reply-fds.js';
import { Keepalive } from './keepalive.js';
import { FdIntake } from './fd-intake.js';
import type { ServerLimits } from './limits.js';
import type { ListenerKind } from '../listeners.js';

const log = logger('daemon.client');
let nextClientId = 1;

/**
 * One connected client: frames read off its socket (a length word over libvirt's limit drops it
 * before anything is buffered), calls dispatched concurrently up to `maxClientRequests` (reading
 * pauses beyond), replies and events written back, keepalive. Closing releases its driver connection.
 *
 * A unix socket is read through `@tsvirt/remote`'s descriptor addon when it is there (libuv's plain
 * `read` would make the kernel close descriptors a client sends with a call): each call gets the
 * descriptors it brought (fd-intake.ts), which are closed when it ends.
 */
export class ClientSession {
  readonly id = nextClientId++;
  readonly context: ClientContext;
  readonly closed: Promise<void>;
  readonly #reader = new FrameReader();
  readonly #keepalive: Keepalive;
  #inflight = 0;
  #closing = false;
  /** Why reading from the client is paused (too many calls in flight, an upload's full queue). */
  readonly #holds = new Set<string>();
  /** Set while a reply's descriptors are being sent: later frames wait behind it. */
  #afterFds: Promise<void> | undefined;
  /** The socket's reader when descriptors can arrive on it, else libuv reads it. */
  readonly #fdReader: FdReader | undefined;
  readonly #intake = new FdIntake();

  constructor(
    private readonly socket: Socket,
    kind: ListenerKind,
    uriFor: (name: string | null) => string,
    private readonly limits: ServerLimits,
  ) {
    this.context = new ClientContext(kind.readonly, !kind.address.startsWith('tcp:'), uriFor, {
      send: (frame) => this.send(frame),
      startKeepalive: () => this.#keepalive.start(),
      writable: () => this.writable(),
      pauseInput: () => this.hold('stream', true),
      resumeInput: () => this.hold('stream', false),
      fdPassingMissing: () => fdPassingMissing() ?? (unixSocketFd(socket) === undefined ? 'only a unix socket carries descriptors' : undefined),
    }, new ClientAuth(kind.auth, this.id));
    this.#keepalive = new Keepalive(limits.keepaliveInterval, limits.keepaliveCount,
      () => this.send(encodeEvent(keepalive_program, keepalive.KEEPALIVE_PROC_PING, undefined)),
      () => this.drop('no keepalive response'));
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#closing = true;
        this.#keepalive.stop();
        this.#fdReader?.stop();
        this.#intake.close();
        void this.context.close().finally(resolve);
      });
    });
    socket.on('error', (e) => log.debug(`client ${this.id}: ${e.message}`));
    this.#fdReader = fdPassingMissing() === undefined && unixSocketFd(socket) !== undefined ? new FdReader(socket, {
      data: (chunk) => this.onData(chunk),
      fds: (fds) => this.#intake.received(fds),
      // the client's end: what is queued to it still goes, as Node does on a socket it reads itself
      end: (e) => (e ? this.drop(e.message) : socket.end(() => socket.destroy())),
    }, 'virDomainFDAssociate') : undefined;
    // the listeners accept paused (pauseOnConnect): reading starts here, one way or the other
    if (this.#fdReader) this.#fdReader.hold();
    else socket.on('data', (chunk: Buffer) => this.onData(chunk)).resume();
  }

  private onData(chunk: Buffer): void {
    this.#keepalive.heard();
    let frames: Uint8Array[];
    try {
      frames = this.#reader.push(chunk);
    } catch (e) {
      this.drop((e as Error).message);
      return;
    }
    for (const bytes of frames) {
      if (this.#closing) return;
      let frame: Frame;
      try {
        frame = decodeFrame(bytes);
      } catch (e) {
        this.drop((e as Error).message);
        return;
      }
      if (this.#fdReader) this.#intake.frame(frame);
      else this.onFrame(frame, []);
    }
    if (this.#fdReader) this.takeCalls();
  }

  /** The frames whose descriptors have all arrived, in order; a client whose descriptors and carrier bytes disagree is dropped. */
  private takeCalls(): void {
    let ready: ReturnType<FdIntake['settle']>;
    try {
      ready = this.#intake.settle(this.#reader.carriersPending);
    } catch (e) {
      this.drop((e as Error).message);
      return;
    }
    for (const { frame, fds } of ready) {
      if (this.#closing) closeFds(fds);
      else this.onFrame(frame, fds);
    }
  }

  /** One frame and the descriptors it brought (closed here unless a call takes them). */
  private onFrame(frame: Frame, fds: readonly number[]): void {
    const h = frame.header;
    if (h.prog !== keepalive.KEEPALIVE_PROGRAM && (h.type === virnet.VIR_NET_CALL || h.type === virnet.VIR_NET_CALL_WITH_FDS)) {
      void this.call(frame, fds);
      return;
    }
    closeFds(fds);
    if (h.prog === keepalive.KEEPALIVE_PROGRAM) {
      if (h.type === virnet.VIR_NET_MESSAGE && h.proc === keepalive.KEEPALIVE_PROC_PING) {
        this.send(encodeEvent(keepalive_program, keepalive.KEEPALIVE_PROC_PONG, undefined));
      }
      return;
    }
    if (h.type === virnet.VIR_NET_STREAM || h.type === virnet.VIR_NET_STREAM_HOLE) {
      this.context.streams.onFrame(frame);
      return;
    }
    log.debug(`client ${this.id}: dropping a message of type ${h.type}`);
  }

  /** One call in flight: dispatched, answered (dispatchCall never throws); the descriptors it brought closed when it ends, as libvirtd does. */
  private async call(frame: Frame, fds: readonly number[]): Promise<void> {
    this.#inflight++;
    if (this.#inflight >= this.limits.maxClientRequests) this.hold('calls', true);
    try {
      let r: DispatchReply;
      try {
        r = await dispatchCall(this.context, frame, fds);
      } finally {
        // before the reply leaves: a client that has the reply finds them closed
        closeFds(fds);
      }
      this.reply(r);
    } finally {
      this.#inflight--;
      if (this.#inflight < this.limits.maxClientRequests) this.hold('calls', false);
    }
  }

  /**
   * Pauses reading while any reason holds. The socket is touched only when that changes: a
   * resume of a flowing socket still costs a tick and a read, which every call paid.
   */
  private hold(reason: string, on: boolean): void {
    const held = this.#holds.size > 0;
    if (on) this.#holds.add(reason);
    else this.#holds.delete(reason);
    if (this.#closing || held === this.#holds.size > 0) return;
    if (this.#fdReader) {
      if (held) this.#fdReader.resume();
      else this.#fdReader.pause();
    } else if (held) this.socket.resume();
    else this.socket.pause();
  }

  /** Resolves once the socket has room for more (a stream waits here for a slow client). */
  private writable(): Promise<void> {
    if (this.#closing || this.socket.writableLength < this.limits.maxPendingOutput / 4) return Promise.resolve();
    return new Promise((r) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        r();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Queues a frame to the client (after descriptors being sent); one that lets too much pile up unread is dropped. */
  send(frame: Uint8Array): void {
    if (this.#afterFds) this.chain(async () => this.write(frame));
    else this.write(frame);
  }

  private write(frame: Uint8Array): void {
    if (this.#closing) return;
    this.socket.write(frame);
    if (this.socket.writableLength > this.limits.maxPendingOutput) this.drop('client does not read its replies');
  }

  /** A reply, then its descriptors (whose copies are closed once sent or the client is gone). */
  private reply(r: DispatchReply): void {
    const fds = r.fds;
    if (!fds) return this.send(r.frame);
    this.chain(async () => {
      try {
        if (!this.#closing) await writeWithFds(this.socket, r.frame, fds, 'virDomainLxcOpenNamespace');
      } catch (e) {
        this.drop(`cannot send descriptors: ${(e as Error).message}`);
      } finally {
        closeFds(fds);
      }
    });
  }

  /** Runs `step` after the writes queued behind descriptors. */
  private chain(step: () => Promise<void>): void {
    const next = (this.#afterFds ?? Promise.resolve()).then(step);
    this.#afterFds = next;
    void next.then(() => {
      if (this.#afterFds === next) this.#afterFds = undefined;
    });
  }

  private drop(reason: string): void {
    if (this.#closing) return;
    log.warn(`client ${this.id}: dropped: ${reason}`);
    this.#closing = true;
    this.socket.destroy();
  }

  /** Disconnects the client and releases what it holds. */
  async close(): Promise<void> {
    this.#closing = true;
    this.socket.destroy();
    await this.closed;
  }
}
