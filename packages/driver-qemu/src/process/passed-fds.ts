/**
 * Descriptors the driver opens for QEMU and QEMU inherits, as libvirt passes them: listening UNIX
 * sockets (the monitor's, the chardevs QEMU serves) and open files (taps, chardevs' files, a
 * restore's stream).
 * Each gets its number in QEMU when it is added, so the command line can name it (`fd=N`) before
 * anything is opened; the launcher puts each at its number.
 */
import { closeSync, constants, existsSync, linkSync, openSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ErrorDomain, systemError, type VirError } from '@tsvirt/util';

/** A UNIX socket made and listening in this process, held until QEMU has its copy. */
interface Listener {
  readonly fd: number;
  /** Closes this process's copy; the socket stays QEMU's, its file in place. */
  close(): void;
}

type Entry = { readonly kind: 'open'; readonly fd: number } | { readonly kind: 'listen'; readonly path: string };

/** O_WRONLY | O_CREAT, with O_APPEND or O_TRUNC. */
const fileFlags = (append: boolean): number => constants.O_WRONLY | constants.O_CREAT | (append ? constants.O_APPEND : constants.O_TRUNC);

let made = 0;

/** libvirt's error for a socket it cannot bind (libuv reports a missing directory as EACCES; bind(2) says ENOENT). */
function bindError(path: string, e: NodeJS.ErrnoException): VirError {
  const cause = e.code === 'EACCES' && !existsSync(dirname(path)) ? Object.assign(new Error(e.message), { code: 'ENOENT' }) : e;
  return systemError(`Failed to bind socket to '${path}'`, cause, ErrorDomain.QEMU);
}

/**
 * Makes a UNIX socket listening at `path` (a stale file there removed first, as libvirt does)
 * without accepting on it: libuv would accept once the event loop runs, so the caller hands it
 * over and closes it before the loop runs again. libuv removes a socket's file when it closes
 * it, so the file is kept under a second name meanwhile and put back.
 */
function listenUnix(path: string): Listener | { readonly failed: Promise<VirError> } {
  const server = createServer();
  const failed = new Promise<VirError>((resolve) => server.once('error', (e) => resolve(bindError(path, e))));
  try {
    rmSync(path, { force: true });
  } catch (e) {
    return { failed: Promise.resolve(systemError(`Unable to unlink ${path}`, e as NodeJS.ErrnoException, ErrorDomain.QEMU)) };
  }
  server.listen(path);
  // Node binds and listens a pipe within listen(); only its error is told later.
  const fd = (server as unknown as { _handle: { fd: number } | null })._handle?.fd;
  if (fd === undefined || fd < 0) return { failed };
  return {
    fd,
    close: () => {
      // Beside the file, so the rename stays on one file system; short, as socket paths are limited.
      const kept = join(dirname(path), `.l${process.pid}-${made++}`);
      linkSync(path, kept);
      server.close();
      renameSync(kept, path);
    },
  };
}

/** The descriptors one QEMU inherits, numbered from `first` in the order they are added. */
export class PassedFds {
  readonly #entries: Entry[] = [];
  /** Descriptors opened here for QEMU alone: closed once it has its copies, or the start failed. */
  #adopted: number[] = [];

  constructor(readonly first: number) {}

  /** A descriptor this process has open (the caller closes it after the launch); answers its number in QEMU. */
  open(fd: number): number {
    return this.first + this.#entries.push({ kind: 'open', fd }) - 1;
  }

  /**
   * A file QEMU writes to, opened now as libvirt opens a chardev's file (created 0600, appended
   * to or truncated) and closed here once QEMU has it; answers its number in QEMU.
   */
  openFile(path: string, append: boolean): number {
    let fd: number;
    try {
      fd = openSync(path, fileFlags(append), 0o600);
    } catch (e) {
      throw systemError(`Unable to pre-create chardev file '${path}'`, e as NodeJS.ErrnoException, ErrorDomain.QEMU);
    }
    this.#adopted.push(fd);
    return this.open(fd);
  }

  /** Closes the files opened for QEMU (after its launch, or when the start fails before it). */
  dispose(): void {
    for (const fd of this.#adopted) closeSync(fd);
    this.#adopted = [];
  }

  /** A UNIX socket QEMU serves, made by the launcher just before QEMU starts; answers its number in QEMU. */
  listen(path: string): number {
    return this.first + this.#entries.push({ kind: 'listen', path }) - 1;
  }

  /** The sockets' files, removed by a start that fails (those outside the run directory too). */
  get socketPaths(): string[] {
    return this.#entries.flatMap((e) => (e.kind === 'listen' ? [e.path] : []));
  }

  /**
   * Makes the listening sockets and runs `spawn` with every descriptor in order, with no await
   * between (nothing may accept on them here), then closes this process's copies. A socket that
   * cannot be made fails before `spawn`, and the sockets made before it are removed.
   */
  async spawnWith<T>(spawn: (fds: readonly number[]) => T): Promise<T> {
    const listeners: Listener[] = [];
    const fds: number[] = [];
    let failed: Promise<VirError> | undefined;
    try {
      for (const e of this.#entries) {
        const l = e.kind === 'open' ? { fd: e.fd } : listenUnix(e.path);
        if ('failed' in l) {
          failed = l.failed;
          break;
        }
        if ('close' in l) listeners.push(l);
        fds.push(l.fd);
      }
      if (!failed) return spawn(fds);
    } finally {
      for (const l of listeners) l.close();
      this.dispose();
    }
    for (const path of this.socketPaths.slice(0, listeners.length)) rmSync(path, { force: true });
    throw await failed;
  }
}
