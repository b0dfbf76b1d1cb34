import { open, type FileHandle } from 'node:fs/promises';
import { createServer } from 'node:net';
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

/** libvirt's unlimited bandwidth for a save: LLONG_MAX in whole MiB/s, in bytes (exact as a double). */
const UNLIMITED_BANDWIDTH = 2 ** 63 - 2 ** 20;

/**
 * Has QEMU migrate its state into `file` from `offset`: QEMU connects to a unix socket this
 * process listens on (QEMU runs sandboxed and cannot spawn a writer), and the stream is copied.
 * As libvirt's save, the migration runs without QEMU's default bandwidth cap (128 MiB/s), which a
 * failed save gives back.
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
  const before = (await mon.execute<{ 'max-bandwidth'?: number }>('query-migrate-parameters'))['max-bandwidth'];
  try {
    await mon.execute('migrate-set-parameters', { 'max-bandwidth': UNLIMITED_BANDWIDTH });
    const ended = await followMigration(mon);
    await mon.execute('migrate', { uri: `unix:${socketPath}` });
    await migrationDone(mon, ended, 'operation failed: domain save job');
    await copied;
  } catch (e) {
    if (before !== undefined) await mon.execute('migrate-set-parameters', { 'max-bandwidth': before }).catch(() => undefined);
    throw e;
  } finally {
    server.close();
  }
}

/**
 * Opens a save image for QEMU to read its migration stream itself, as libvirt passes it: the
 * descriptor's position (shared with the process that inherits it) is moved to `offset` by
 * reading up to it, so QEMU starts at the stream.
 */
export async function openStream(path: string, offset: number): Promise<FileHandle> {
  const file = await open(path, 'r');
  try {
    const skip = Buffer.alloc(offset);
    for (let at = 0; at < offset;) {
      const { bytesRead } = await file.read(skip, at, offset - at, null);
      if (bytesRead === 0) throw new VirError(ErrorCode.OPERATION_FAILED, `failed to read save image '${path}'`, D);
      at += bytesRead;
    }
    return file;
  } catch (e) {
    await file.close();
    throw e;
  }
}

/**
 * Has a QEMU started with `-incoming defer` read its state from the stream it inherited as `fd`.
 * QEMU exits when the stream is bad: that is libvirt's error quoting what QEMU wrote (`said`).
 */
export async function migrateFromFd(mon: QmpClient, fd: number, said: () => Promise<string>): Promise<void> {
  try {
    const ended = await followMigration(mon);
    await mon.execute('migrate-incoming', { uri: `fd:${fd}` });
    await migrationDone(mon, ended, 'operation failed: job \'restore\' failed');
  } catch (e) {
    if (!mon.isClosed) throw e;
    throw new VirError(ErrorCode.INTERNAL_ERROR, `qemu unexpectedly closed the monitor: ${await said()}`, D, { cause: e });
  }
}
