import { StreamHole, isStreamHole, type StreamChunk } from '@tsvirt/api';
import {
  beginFrame, decode, encodeErrorReply, encodeStreamData, endFrame, virErrorToWire, virnet, type Frame, type MessageHeader,
} from '@tsvirt/remote/protocol';
import { ErrorCode, ErrorDomain, VirError, logger } from '@tsvirt/util';

const log = logger('daemon.stream');

/** Bytes of data in one stream message (libvirt sends 256 KiB at most). */
const CHUNK = 256 * 1024;
/** Data messages an upload may queue before the client's socket is paused (back-pressure). */
const UPLOAD_QUEUE = 16;

/** How a stream reaches its client's socket. */
export interface StreamIO {
  send(frame: Uint8Array): void;
  /** Resolves when the socket's queue has room again. */
  writable(): Promise<void>;
  pauseInput(): void;
  resumeInput(): void;
}

/** A stream's header: the call's, as every stream message of it carries. */
const streamHeader = (h: MessageHeader): MessageHeader => ({ ...h, type: virnet.VIR_NET_STREAM, status: virnet.VIR_NET_CONTINUE });

function holeFrame(h: MessageHeader, length: bigint): Uint8Array {
  const w = beginFrame({ ...h, type: virnet.VIR_NET_STREAM_HOLE, status: virnet.VIR_NET_CONTINUE });
  virnet.virNetStreamHole.enc(w, { length, flags: 0 });
  return endFrame(w);
}

/** The confirmation of the client's finish: no data, status OK (an empty CONTINUE is the end of file). */
const finishConfirmation = (h: MessageHeader): Uint8Array => encodeStreamData({ ...h, status: virnet.VIR_NET_OK }, null);

interface OpenStream {
  /** A frame from the client for this stream (data, hole, finish or abort). */
  onFrame(frame: Frame): void;
  /** The client went away. */
  close(): void;
}

/**
 * The streams of one client, by the serial of the call that opened them (libvirt's rule: every
 * message of a stream carries its call's program, procedure and serial). A download sends data
 * after the call's reply, as the client consumes it; an upload feeds the API what the client sends.
 */
export class StreamRegistry {
  readonly #open = new Map<number, OpenStream>();

  constructor(private readonly io: StreamIO) {}

  /** Routes a stream frame from the client; one for no open stream is dropped, as libvirtd does. */
  onFrame(frame: Frame): void {
    const s = this.#open.get(frame.header.serial);
    if (s) s.onFrame(frame);
    else log.debug(`dropping stream data for serial ${frame.header.serial}: no stream is open`);
  }

  /**
   * Sends `data` to the client once the call's reply is out: data and holes, then end of file.
   * With `input` the stream runs both ways (a console): what the client sends is written there,
   * and a client that finishes first ends the stream.
   */
  download(call: MessageHeader, data: AsyncIterable<StreamChunk> & { destroy?(): void }, input?: { write(b: Buffer): unknown }): void {
    const h = streamHeader(call);
    let stopped = false;
    let eofSent = false;
    let finished: () => void = () => undefined;
    const finish = new Promise<void>((r) => (finished = r));
    this.#open.set(h.serial, {
      onFrame: (f) => {
        if (input && f.header.status === virnet.VIR_NET_CONTINUE) {
          if (f.header.type === virnet.VIR_NET_STREAM && f.payload.length) input.write(Buffer.from(f.payload));
          return;
        }
        // The client ends a download with OK (after our end of file, or first on a console) or aborts it with ERROR.
        stopped = true;
        if (f.header.status !== virnet.VIR_NET_OK) this.end(h, () => data.destroy?.());
        else if (eofSent) finished();
        else {
          data.destroy?.();
          this.#open.delete(h.serial);
          this.io.send(finishConfirmation(h));
        }
      },
      close: () => {
        stopped = true;
        data.destroy?.();
      },
    });
    setImmediate(() => void (async () => {
      try {
        for await (const chunk of data) {
          if (stopped) return;
          if (isStreamHole(chunk)) this.io.send(holeFrame(h, chunk.length));
          else for (let at = 0; at < chunk.length; at += CHUNK) this.io.send(encodeStreamData(h, chunk.subarray(at, at + CHUNK)));
          await this.io.writable();
        }
        if (stopped) return;
        eofSent = true;
        this.io.send(encodeStreamData(h, null));
        await finish;
        this.#open.delete(h.serial);
        this.io.send(finishConfirmation(h));
      } catch (e) {
        // a stream stopped by the client ends its source: nothing more to say
        if (!stopped) this.fail(h, e);
      }
    })());
  }

  /**
   * Starts an upload: `write` gets the data the client sends, as an async iterable that ends at the
   * client's finish; the finish is confirmed once `write` has stored everything. A `write` that
   * fails before reading (the API's checks) rejects this call instead, so the call gets the error.
   */
  async upload(call: MessageHeader, write: (data: AsyncIterable<StreamChunk>) => Promise<void>): Promise<void> {
    const h = streamHeader(call);
    const queue: Array<StreamChunk | null | Error> = [];
    let wake: (() => void) | undefined;
    const push = (c: StreamChunk | null | Error): void => {
      queue.push(c);
      if (queue.length >= UPLOAD_QUEUE) this.io.pauseInput();
      wake?.();
    };
    const source = (async function* (io: StreamIO) {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        const c = queue.shift()!;
        if (queue.length < UPLOAD_QUEUE) io.resumeInput();
        if (c === null) return;
        if (c instanceof Error) throw c;
        yield c;
      }
    })(this.io);
    this.#open.set(h.serial, {
      onFrame: (f) => {
        if (f.header.type === virnet.VIR_NET_STREAM_HOLE) push(new StreamHole(decode(virnet.virNetStreamHole, f.payload).length));
        else if (f.header.status === virnet.VIR_NET_CONTINUE) push(Buffer.from(f.payload));
        else if (f.header.status === virnet.VIR_NET_OK) push(null);
        else push(new VirError(ErrorCode.RPC, 'stream aborted at client request', ErrorDomain.STREAMS));
      },
      close: () => push(new VirError(ErrorCode.RPC, 'client closed the stream', ErrorDomain.STREAMS)),
    });
    const done = write(source);
    const early = await Promise.race([
      done.then(() => undefined, (e: unknown) => ({ e })),
      new Promise<'pending'>((r) => setImmediate(() => r('pending'))),
    ]);
    if (early && early !== 'pending') {
      this.#open.delete(h.serial);
      throw early.e;
    }
    done.then(
      () => {
        this.#open.delete(h.serial);
        this.io.send(finishConfirmation(h));
      },
      (e: unknown) => this.fail(h, e),
    );
  }

  private end(h: MessageHeader, destroy?: () => void): void {
    destroy?.();
    this.#open.delete(h.serial);
    this.io.send(encodeErrorReply(h, virErrorToWire(new VirError(ErrorCode.RPC, 'stream aborted at client request', ErrorDomain.STREAMS)), virnet.VIR_NET_STREAM));
  }

  private fail(h: MessageHeader, e: unknown): void {
    this.#open.delete(h.serial);
    this.io.send(encodeErrorReply(h, virErrorToWire(e), virnet.VIR_NET_STREAM));
  }

  /** The client went away: every stream stops. */
  closeAll(): void {
    for (const s of this.#open.values()) s.close();
    this.#open.clear();
  }
}
