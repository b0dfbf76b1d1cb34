import { connect, type Socket } from 'node:net';
import {
  FrameReader, decodeError, decodeFrame, decodeRet, encodeCall, remote, remote_program, virnet, type Frame, type Program,
} from '@tsvirt/remote/protocol';

/** A protocol client made of @tsvirt/remote/protocol's pieces, for driving the daemon frame by frame. */
export class RawClient {
  readonly frames: Frame[] = [];
  #serial = 1;
  #waiters: Array<() => void> = [];
  #closed = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    const reader = new FrameReader();
    socket.on('data', (b: Buffer) => {
      for (const f of reader.push(b)) this.frames.push(decodeFrame(f));
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((r) => socket.once('close', () => {
      this.#closed = true;
      for (const w of this.#waiters.splice(0)) w();
      r();
    }));
  }

  /** A client of a unix socket (its path) or of a TCP listener. */
  static open(target: string | { host: string; port: number }): Promise<RawClient> {
    return new Promise((ok, fail) => {
      const s = connect(typeof target === 'string' ? { path: target } : target, () => ok(new RawClient(s)));
      s.once('error', fail);
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** The next frame matching `pick`, removed from the received ones. */
  async next(pick: (f: Frame) => boolean, ms = 10_000): Promise<Frame> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex(pick);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      if (this.#closed) throw new Error('connection closed');
      if (Date.now() > end) throw new Error('no reply');
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** Sends a call with raw argument bytes; answers its reply frame. */
  async callRaw(proc: number, payload: Uint8Array, program: Program = remote_program): Promise<Frame> {
    const serial = this.#serial++;
    const head = encodeCall(program, remote.REMOTE_PROC_CONNECT_CLOSE, serial);
    const frame = new Uint8Array(head.length + payload.length);
    frame.set(head);
    frame.set(payload, head.length);
    const view = new DataView(frame.buffer);
    view.setUint32(0, frame.length);
    view.setInt32(4 + 8, proc);
    this.socket.write(frame);
    return this.next((f) => f.header.serial === serial && f.header.type === virnet.VIR_NET_REPLY);
  }

  /** A call with decoded arguments; answers the value, or throws the server's error struct. */
  async call(proc: number, args?: unknown): Promise<unknown> {
    const serial = this.#serial++;
    this.socket.write(encodeCall(remote_program, proc, serial, args));
    const f = await this.next((x) => x.header.serial === serial && x.header.type === virnet.VIR_NET_REPLY);
    if (f.header.status === virnet.VIR_NET_ERROR) throw decodeError(f.payload);
    return decodeRet(f.header, f.payload);
  }

  /** AUTH_LIST then CONNECT_OPEN, as every libvirt client starts. */
  async openConnection(uri: string | null, flags = 0): Promise<void> {
    await this.call(remote.REMOTE_PROC_AUTH_LIST);
    await this.call(remote.REMOTE_PROC_CONNECT_OPEN, { name: uri, flags });
  }

  close(): void {
    this.socket.destroy();
  }
}
