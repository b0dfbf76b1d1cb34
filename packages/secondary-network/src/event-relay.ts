import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { logger } from '@tsvirt/util';

const log = logger('network.events');

/** A network lifecycle event as it travels between processes (one JSON line). */
export interface RelayedEvent {
  readonly name: string;
  readonly uuid: string;
  readonly event: number;
}

/** The longest path a unix socket address holds (sun_path less its NUL). */
const MAX_SOCKET_PATH = 107;
/** How long a sender waits for one listener before giving up on it. */
const SEND_TIMEOUT_MS = 1000;

/** The sockets this process listens on, removed at exit so that no stale one is left. */
const ownSockets = new Set<string>();
let exitHookSet = false;
function removeAtExit(path: string): void {
  ownSockets.add(path);
  if (exitHookSet) return;
  exitHookSet = true;
  process.once('exit', () => {
    for (const p of ownSockets) {
      try {
        unlinkSync(p);
      } catch {
        // Already gone: nothing to clean.
      }
    }
  });
}

/**
 * There is no daemon to fan events out, so each process that has listeners on a root listens on a
 * unix socket in the root's events directory, and the process that changed a network sends the
 * event to every socket there: `tsvirsh net-event --loop` hears another process's `net-start`, as
 * a virsh client of libvirtd does.
 */
export class EventRelay {
  #server: Server | undefined;
  #path: string | undefined;

  constructor(private readonly dir: string, private readonly deliver: (e: RelayedEvent) => void) {}

  /** Our own socket, which senders in this process skip (they deliver in process). */
  get path(): string | undefined {
    return this.#path;
  }

  /** Starts listening; a root whose socket path would be too long gets in-process events only. */
  async listen(): Promise<void> {
    const path = join(this.dir, `${process.pid}-${randomBytes(4).toString('hex')}.sock`);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      log.warn(`events of other processes are not heard: socket path '${path}' is too long`);
      return;
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const server = createServer((sock) => {
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('data', (chunk: string) => {
        buf += chunk;
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const line of lines) this.#receive(line);
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    // A listener must not keep an application alive by itself, as libvirt's event loop does not.
    server.unref();
    this.#server = server;
    this.#path = path;
    removeAtExit(path);
  }

  close(): void {
    this.#server?.close();
    if (this.#path) {
      ownSockets.delete(this.#path);
      unlink(this.#path).catch(() => undefined);
    }
    this.#server = undefined;
    this.#path = undefined;
  }

  #receive(line: string): void {
    try {
      const e = JSON.parse(line) as RelayedEvent;
      if (typeof e.name === 'string' && typeof e.uuid === 'string' && typeof e.event === 'number') this.deliver(e);
    } catch {
      log.warn(`ignoring a malformed network event: ${line.slice(0, 80)}`);
    }
  }
}

/** Sends one line to a listener's socket; a socket nobody listens on any more is removed. */
function sendTo(path: string, line: string): Promise<void> {
  return new Promise((resolve) => {
    const sock = createConnection(path);
    const timer = setTimeout(() => sock.destroy(), SEND_TIMEOUT_MS);
    sock.on('connect', () => sock.end(line));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') unlink(path).catch(() => undefined);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends `e` to every process listening in `dir` but `self`; answers once each has it (or failed). */
export async function relayEvent(dir: string, e: RelayedEvent, self: string | undefined): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const targets = names.filter((n) => n.endsWith('.sock')).map((n) => join(dir, n)).filter((p) => p !== self);
  if (!targets.length) return;
  const line = `${JSON.stringify(e)}\n`;
  await Promise.all(targets.map((p) => sendTo(p, line)));
}
