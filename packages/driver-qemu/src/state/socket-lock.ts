import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ErrorCode, VirError, type ErrorDomain } from '@tsvirt/util';

/**
 * A lock between processes held as a listening unix socket in the abstract namespace, named
 * after a path. The kernel releases it the moment its holder dies, and never takes it from a
 * live holder however long its event loop stalls. A waiter does not poll: it connects to the
 * holder and is woken when that connection closes (release or death), then tries again.
 * Abstract sockets belong to a network namespace: every process sharing a root must share it.
 */
function socketName(path: string): string {
  return `\0tsvirt-lock-${createHash('sha256').update(path).digest('hex').slice(0, 40)}`;
}

function tryListen(name: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)));
    server.listen({ path: name, exclusive: true }, () => resolve(server));
  });
}

/** Waits until the holder of `name` lets go: its connection closes, or it refuses because it just went. */
function holderGone(name: string, deadline: Promise<never>): Promise<void> {
  let s: Socket | undefined;
  const gone = new Promise<void>((resolve) => {
    s = connect({ path: name });
    s.once('close', () => resolve());
    s.once('error', () => resolve());
    s.resume();
  });
  return Promise.race([gone, deadline]).finally(() => s?.destroy());
}

/** Holds `server` for a waiting client: keeps its connection open until release. */
function hold(server: Server): () => Promise<void> {
  const clients = new Set<Socket>();
  server.on('connection', (c) => {
    clients.add(c);
    c.on('error', () => undefined);
    c.on('close', () => clients.delete(c));
  });
  return () => new Promise((resolve) => {
    server.close(() => resolve());
    for (const c of clients) c.destroy();
  });
}

/** Options of a lock. */
export interface SocketLockOptions {
  /** How long to wait for a holder before giving up with OPERATION_TIMEOUT. */
  readonly waitMs: number;
  /** The error domain of that failure. */
  readonly domain: ErrorDomain;
}

/** Runs `fn` holding the lock named by `path` among all processes of this network namespace. */
export async function withSocketLock<T>(path: string, fn: () => Promise<T>, opts: SocketLockOptions): Promise<T> {
  const name = socketName(path);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new VirError(ErrorCode.OPERATION_TIMEOUT, `cannot acquire lock '${path}': held by another process`, opts.domain)), opts.waitMs);
  });
  deadline.catch(() => undefined);
  let server: Server | undefined;
  try {
    while (!(server = await tryListen(name))) await holderGone(name, deadline);
  } finally {
    clearTimeout(timer);
  }
  const release = hold(server);
  try {
    return await fn();
  } finally {
    await release();
  }
}
