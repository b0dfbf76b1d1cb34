import { closeSync, fchmodSync, fchownSync, fstatSync, fsync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ErrorDomain } from './errors/error-codes.js';
import { systemError } from './errors/vir-error.js';

const fsyncAsync = promisify(fsync);

/** Writes in flight, by file: a write waits for the earlier ones of its file, so the last asked for is the one left. */
const inFlight = new Map<string, Promise<unknown>>();
let written = 0;

/** The file a path names, through symlinks; the path itself while it does not exist. */
function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Gives the new file the old one's owner where this process may (as root); elsewhere it stays the writer's. */
function keepOwner(fd: number, uid: number, gid: number): void {
  try {
    fchownSync(fd, uid, gid);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  }
}

/**
 * One write: the small steps (open, write, rename) are made at once and only fsync goes through
 * the thread pool, since each pool hop is a wait of its own on a loaded machine. A file that
 * exists keeps its mode and owner unless a mode is given.
 */
async function writeOnce(path: string, data: Uint8Array, mode: number | undefined, durable: boolean): Promise<void> {
  const target = realTarget(path);
  mkdirSync(dirname(target), { recursive: true });
  const existing = statSync(target, { throwIfNoEntry: false });
  const tmp = `${target}.${process.pid}.${++written}`;
  // Created with the mode it will have (the umask can only take bits away), so the data is never
  // more readable than asked for; a new file without a mode gets the umask's, as any new file.
  const wanted = mode ?? (existing ? existing.mode & 0o7777 : undefined);
  const fd = openSync(tmp, 'wx', wanted ?? 0o666);
  try {
    try {
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
      if (existing && (existing.uid !== process.geteuid?.() || existing.gid !== process.getegid?.())) keepOwner(fd, existing.uid, existing.gid);
      // Only when the umask took bits away: an inode change less per write (each one waits for the
      // file system's journal on a busy disk).
      if (wanted !== undefined && (fstatSync(fd).mode & 0o7777) !== wanted) fchmodSync(fd, wanted);
      if (durable) await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}

/**
 * Writes a file so that readers see either the old or the new content, never a torn one: the
 * data goes to a temporary file beside it that is fsynced and renamed over the target (through a
 * symlink, the file it points to). Parent directories are created as needed. Writes of one file
 * from this process complete in the order they were asked for. With `durable: false` the fsync
 * is left out: readers still never see a torn file while the machine runs, but after a crash of
 * the machine the file may be empty or old, so only for a file whose loss a reader survives.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { mode?: number; domain?: ErrorDomain; durable?: boolean } = {},
): Promise<void> {
  const key = resolve(path);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const mine = (inFlight.get(key) ?? Promise.resolve()).then(() => writeOnce(key, bytes, opts.mode, opts.durable ?? true));
  const settled = mine.catch(() => undefined);
  inFlight.set(key, settled);
  try {
    await mine;
  } catch (e) {
    throw systemError(`cannot write file '${path}'`, e as NodeJS.ErrnoException, opts.domain ?? ErrorDomain.NONE);
  } finally {
    if (inFlight.get(key) === settled) inFlight.delete(key);
  }
}
