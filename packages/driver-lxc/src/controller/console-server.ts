import { createServer, type Server, type Socket } from 'node:net';
import { rename, rm } from 'node:fs/promises';

/** How much recent console output a client that attaches later is shown first. */
const REPLAY_BYTES = 64 * 1024;

/**
 * What a client says first (`force` or `wait`, a line) and what it is answered (`ok` or `busy`,
 * a line) before the console's bytes flow: libvirt's virChrdevOpen, one session at a time.
 */
export const CONSOLE_HELLO = { force: 'force\n', polite: 'polite\n', ok: 'ok\n', busy: 'busy\n' } as const;

/**
 * The container's console as a Unix socket: the controller reads the pty all the time (so init
 * never blocks on a full console), keeps the last output for the next client, and relays each
 * client's input to the pty. One client at a time, as libvirt's console: a new one is refused
 * while another is attached unless it forces, and then the old one is disconnected.
 */
export class ConsoleServer {
  #replay: Buffer[] = [];
  #replayBytes = 0;
  #client: Socket | undefined;
  #server: Server | undefined;

  constructor(private readonly write: (data: Buffer) => void) {}

  /** Output of the container's console. */
  output(data: Buffer): void {
    this.#replay.push(data);
    this.#replayBytes += data.length;
    while (this.#replayBytes > REPLAY_BYTES && this.#replay.length > 1) this.#replayBytes -= this.#replay.shift()!.length;
    this.#client?.write(data);
  }

  async listen(path: string): Promise<void> {
    await rm(path, { force: true });
    this.#server = createServer((sock) => this.#attach(sock));
    // Bound and listening under another name first: a client that sees the socket between the
    // bind and the listen would be refused. The rename makes it appear ready.
    const bound = `${path}.${process.pid}`;
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(bound, () => resolve());
    });
    await rename(bound, path);
  }

  #attach(sock: Socket): void {
    sock.on('error', () => undefined);
    let hello = Buffer.alloc(0);
    const onHello = (d: Buffer): void => {
      hello = Buffer.concat([hello, d]);
      const nl = hello.indexOf(10);
      if (nl < 0) return;
      sock.off('data', onHello);
      const force = hello.subarray(0, nl + 1).toString() === CONSOLE_HELLO.force;
      if (this.#client && !force) {
        sock.end(CONSOLE_HELLO.busy);
        return;
      }
      this.#client?.destroy();
      this.#client = sock;
      sock.write(CONSOLE_HELLO.ok);
      for (const b of this.#replay) sock.write(b);
      if (nl + 1 < hello.length) this.write(hello.subarray(nl + 1));
      sock.on('data', (b: Buffer) => this.write(b));
      sock.on('close', () => {
        if (this.#client === sock) this.#client = undefined;
      });
    };
    sock.on('data', onHello);
  }

  close(): void {
    this.#client?.destroy();
    this.#server?.close();
  }
}
