import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { QmpClient } from '../qmp/qmp-client.js';

const D = ErrorDomain.QEMU;
const POLL_MS = 20;

/** Waits until QEMU reports the migration completed; a failure or cancel is libvirt's error with QEMU's reason. */
async function migrationDone(mon: QmpClient, what: string): Promise<void> {
  for (;;) {
    const info = await mon.execute<{ status?: string; 'error-desc'?: string }>('query-migrate');
    if (info.status === 'completed') return;
    if (info.status === 'failed' || info.status === 'cancelled') {
      throw new VirError(ErrorCode.OPERATION_FAILED, `${what}: ${info['error-desc'] ?? info.status}`, D);
    }
    await sleep(POLL_MS);
  }
}

/**
 * Has QEMU migrate its state into `file` from `offset`: QEMU connects to a unix socket this
 * process listens on (QEMU runs sandboxed and cannot spawn a writer), and the stream is copied.
 */
export async function migrateToFile(mon: QmpClient, socketPath: string, file: FileHandle, offset: number): Promise<void> {
  const server = createServer();
  const copied = new Promise<void>((resolve, reject) => {
    server.once('connection', (sock) => {
      let at = offset;
      let written = Promise.resolve();
      sock.on('data', (chunk: Buffer) => {
        sock.pause();
        const pos = at;
        at += chunk.length;
        written = written.then(() => file.write(chunk, 0, chunk.length, pos)).then(() => void sock.resume());
        written.catch(reject);
      });
      sock.once('end', () => void written.then(resolve, reject));
      sock.once('error', reject);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  try {
    await mon.execute('migrate', { uri: `unix:${socketPath}` });
    await migrationDone(mon, 'operation failed: domain save job');
    await copied;
  } finally {
    server.close();
  }
}

/** Feeds a saved migration stream (from `offset` of `path`) to a QEMU started with `-incoming defer`. */
export async function migrateFromFile(mon: QmpClient, socketPath: string, path: string, offset: number): Promise<void> {
  await mon.execute('migrate-incoming', { uri: `unix:${socketPath}` });
  const sock = connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const stream = createReadStream(path, { start: offset });
  const readFailed = new Promise<never>((_, reject) => stream.once('error', reject));
  readFailed.catch(() => undefined);
  // QEMU closes its end as soon as it has the whole state, maybe before the last read: that is no error.
  sock.on('error', () => undefined);
  stream.pipe(sock);
  try {
    await Promise.race([migrationDone(mon, 'operation failed: job \'restore\' failed'), readFailed]);
  } finally {
    stream.destroy();
    sock.destroy();
  }
}
