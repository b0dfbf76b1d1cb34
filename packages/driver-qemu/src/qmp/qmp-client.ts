import { connect as netConnect, type Socket } from 'node:net';
import { ErrorCode, ErrorDomain, VirError, logger } from '@tsvirt/util';
import type { QmpEvent, QmpGreeting, QmpReply } from './qmp-types.js';
import { sendLineWithFd } from './scm-rights.js';

const log = logger('qemu.monitor');
const D = ErrorDomain.QEMU;

/** How long a command may take before the monitor is declared stuck. */
const COMMAND_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(reply: QmpReply): void;
  reject(e: VirError): void;
  timer: NodeJS.Timeout | undefined;
}

function monitorError(detail: string, cause?: unknown): VirError {
  return new VirError(ErrorCode.OPERATION_FAILED, detail, D, cause === undefined ? undefined : { cause });
}

/**
 * A client of QEMU's machine protocol (QMP) on a unix socket: one JSON object a line each way.
 * It reads the greeting, negotiates capabilities, matches replies to commands by id and hands
 * asynchronous events to listeners. QEMU serves one client per monitor socket at a time, so a
 * client is held only for the length of one job and closed after it.
 */
export class QmpClient {
  readonly #socket: Socket;
  readonly #pending = new Map<string, Pending>();
  readonly #listeners = new Set<(e: QmpEvent) => void>();
  #buffer = '';
  #nextId = 1;
  #closedError: VirError | undefined;
  #greeting: ((g: QmpGreeting) => void) | undefined;
  /** Settles when the connection ends, for whatever reason (QEMU exited, close()). */
  readonly closed: Promise<void>;

  private constructor(socket: Socket, readonly path: string) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.#fail(monitorError(`QEMU monitor '${path}' closed the connection`));
        resolve();
      });
    });
    socket.on('error', (e) => this.#fail(monitorError(`QEMU monitor '${path}': ${e.message}`, e)));
  }

  /**
   * Connects to the monitor at `path`, waits for the greeting and leaves negotiation mode. A
   * connection QEMU has not taken yet (another client holds the socket) waits up to `timeoutMs`;
   * `signal` gives up at once. `qmp_capabilities` is written at once, before the greeting comes
   * (QEMU reads it after greeting): one round trip per connection instead of two.
   */
  static async open(path: string, timeoutMs = 10_000, signal?: AbortSignal): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect(path);
      s.once('connect', () => resolve(s));
      s.once('error', (e) => reject(monitorError(`cannot connect to QEMU monitor '${path}': ${e.message}`, e)));
    });
    const client = new QmpClient(socket, path);
    const abort = (): void => client.close();
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) client.close();
    try {
      const greeting = new Promise<QmpGreeting>((resolve) => (client.#greeting = resolve));
      // Timed only from the greeting on: before it, the wait is the greeting's.
      const negotiated = client.#request({ execute: 'qmp_capabilities' }, undefined);
      negotiated.catch(() => undefined);
      await Promise.race([greeting, client.#deadline(timeoutMs, `no greeting from QEMU monitor '${path}' within ${timeoutMs} ms`, greeting), client.closed.then(() => Promise.reject(client.#closedError))]);
      const reply = await Promise.race([negotiated, client.#deadline(COMMAND_TIMEOUT_MS, `QEMU did not answer 'qmp_capabilities' within ${COMMAND_TIMEOUT_MS} ms`, negotiated)]);
      if (reply.error) throw new VirError(ErrorCode.INTERNAL_ERROR, `unable to execute QEMU command 'qmp_capabilities': ${reply.error.desc}`, D);
      return client;
    } catch (e) {
      client.close();
      throw e;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** A promise that fails with `message` after `ms`, unless `until` settles first. */
  #deadline(ms: number, message: string, until: Promise<unknown>): Promise<never> {
    return new Promise<never>((_, reject) => {
      const t = setTimeout(() => reject(monitorError(message)), ms);
      void until.then(() => clearTimeout(t), () => clearTimeout(t));
    });
  }

  /** Whether the connection has ended. */
  get isClosed(): boolean {
    return this.#closedError !== undefined;
  }

  /** Lets the process exit while this connection is open (a watcher's, not a job's). */
  unref(): void {
    this.#socket.unref();
  }

  /** Keeps the process alive while this connection is open again (a job is using the watcher's). */
  ref(): void {
    this.#socket.ref();
  }

  /** Registers an event listener; the returned function removes it. */
  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The first event satisfying `match` within `timeoutMs`, or undefined when none came. */
  waitForEvent(match: (e: QmpEvent) => boolean, timeoutMs: number): Promise<QmpEvent | undefined> {
    return new Promise((resolve) => {
      const done = (e: QmpEvent | undefined): void => {
        clearTimeout(timer);
        off();
        resolve(e);
      };
      const off = this.onEvent((e) => match(e) && done(e));
      const timer = setTimeout(() => done(undefined), timeoutMs);
      void this.closed.then(() => done(undefined));
    });
  }

  /** Sends one command object as given (passthrough) and returns QEMU's whole reply. */
  send(command: Record<string, unknown>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<QmpReply> {
    return this.#request(command, timeoutMs);
  }

  /**
   * QMP `getfd`: gives QEMU a descriptor under `name`, attached to the command on this connection
   * (SCM_RIGHTS), as libvirt passes a hotplugged tap. The command is written by a helper on this
   * socket's descriptor once everything queued before it is out; the reply comes here.
   */
  async getfd(name: string, fd: number): Promise<void> {
    const socketFd = (this.#socket as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
    if (socketFd === undefined || socketFd < 0) throw monitorError(`QEMU monitor '${this.path}' has no descriptor to pass '${name}' on`);
    if (this.#socket.writableLength > 0) await new Promise((resolve) => this.#socket.once('drain', resolve));
    const reply = await this.#request({ execute: 'getfd', arguments: { fdname: name } }, COMMAND_TIMEOUT_MS, (line) => sendLineWithFd(socketFd, line, fd));
    if (reply.error) throw new VirError(ErrorCode.INTERNAL_ERROR, `unable to execute QEMU command 'getfd': ${reply.error.desc}`, D);
  }

  /**
   * Writes a command with an id and waits for its reply, for at most `timeoutMs` when given;
   * `write` sends the line another way than this socket's own writes (with a descriptor).
   */
  #request(command: Record<string, unknown>, timeoutMs: number | undefined, write?: (line: string) => Promise<void>): Promise<QmpReply> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    const id = `tsvirt-${this.#nextId++}`;
    const line = JSON.stringify({ ...command, id });
    log.debug(`send ${this.path}: ${line}`);
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.#pending.delete(id);
        reject(new VirError(ErrorCode.OPERATION_TIMEOUT, `QEMU did not answer '${String(command['execute'])}' within ${timeoutMs} ms`, D));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      if (!write) {
        this.#socket.write(`${line}\n`);
        return;
      }
      write(`${line}\n`).catch((e: unknown) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(monitorError(`cannot send '${String(command['execute'])}' to QEMU monitor '${this.path}': ${(e as Error).message}`, e));
      });
    });
  }

  /** Runs a command and returns its `return` value; a QMP error becomes libvirt's INTERNAL_ERROR naming the command. */
  async execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    const reply = await this.send(args === undefined ? { execute: command } : { execute: command, arguments: args }, timeoutMs);
    if (reply.error) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `unable to execute QEMU command '${command}': ${reply.error.desc}`, D);
    }
    return reply.return as T;
  }

  /** Ends the connection; pending commands fail. */
  close(): void {
    this.#socket.destroy();
  }

  #fail(e: VirError): void {
    this.#closedError ??= e;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(this.#closedError);
      this.#pending.delete(id);
    }
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl).trim();
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line) this.#onMessage(line);
    }
  }

  #onMessage(line: string): void {
    log.debug(`recv ${this.path}: ${line}`);
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      log.warn(`unparsable line from QEMU monitor '${this.path}': ${line}`);
      return;
    }
    if ('QMP' in msg) {
      this.#greeting?.(msg['QMP'] as QmpGreeting);
    } else if ('event' in msg) {
      for (const l of [...this.#listeners]) l(msg as unknown as QmpEvent);
    } else {
      const id = typeof msg['id'] === 'string' ? msg['id'] : '';
      const p = this.#pending.get(id);
      if (!p) return;
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.resolve(msg as QmpReply);
    }
  }
}
