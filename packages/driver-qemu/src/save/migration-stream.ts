import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { QmpClient } from '../qmp/qmp-client.js';
import { EventWake } from '../qmp/event-wake.js';

const D = ErrorDomain.QEMU;
/** Migration states after which QEMU does no more. */
const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Follows one migration: QEMU is asked for MIGRATION events (as libvirt asks), so the end is
 * seen the moment it comes; `query-migrate` gives the outcome, and is asked every 200 ms as well
 * should no event come. Made before the migration starts.
 */
async function followMigration(mon: QmpClient): Promise<EventWake> {
  await mon.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
  return new EventWake(mon, (e) => e.event === 'MIGRATION' && ENDED.has(String(e.data?.['status'])));
}

/** Waits until QEMU reports the migration completed; a failure or cancel is libvirt's error with QEMU's reason. */
async function migrationDone(mon: QmpClient, ended: EventWake, what: string): Promise<void> {
  try {
    for (;;) {
      const seen = ended.seen;
      const info = await mon.execute<{ status?: string; 'error-desc'?: string }>('query-migrate');
      if (info.status === 'completed') return;
      if (info.status === 'failed' || info.status === 'cancelled') {
        throw new VirError(ErrorCode.OPERATION_FAILED, `${what}: ${info['error-desc'] ?? info.status}`, D);
      }
      await ended.sleep(seen, 200);
    }
  } finally {
    ended.close();
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
    const ended = await followMigration(mon);
    await mon.execute('migrate', { uri: `unix:${socketPath}` });
    await migrationDone(mon, ended, 'operation failed: domain save job');
    await copied;
  } finally {
    server.close();
  }
}

/** Feeds a saved migration stream (from `offset` of `path`) to a QEMU started with `-incoming defer`. */
export async function migrateFromFile(mon: QmpClient, socketPath: string, path: string, offset: number): Promise<void> {
  const ended = await followMigration(mon);
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
    await Promise.race([migrationDone(mon, ended, 'operation failed: job \'restore\' failed'), readFailed]);
  } finally {
    stream.destroy();
    sock.destroy();
  }
}
