import { createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';

/** How much recent console output a client that attaches later is shown first. */
const REPLAY_BYTES = 64 * 1024;

/**
 * The container's console as a Unix socket: the controller reads the pty all the time (so init
 * never blocks on a full console), keeps the last output for the next client, and relays each
 * client's input to the pty. One client at a time, as libvirt's console.
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
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(path, () => resolve());
    });
  }

  #attach(sock: Socket): void {
    // A new client replaces the old one (virsh console --force); libvirt refuses without it.
    this.#client?.destroy();
    this.#client = sock;
    for (const b of this.#replay) sock.write(b);
    sock.on('data', (d: Buffer) => this.write(d));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (this.#client === sock) this.#client = undefined;
    });
  }

  close(): void {
    this.#client?.destroy();
    this.#server?.close();
  }
}
