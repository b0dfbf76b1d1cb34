import { randomInt } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { DomainQemuAgentCommandTimeout } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, logger } from '@tsvirt/util';
import { agentErrorDetail } from './agent-errors.js';

const log = logger('qemu.agent');
const D = ErrorDomain.QEMU;

/** libvirt's default wait for the agent, in seconds (also the most a sync may take). */
export const AGENT_WAIT_SECONDS = 5;
/** The largest reply read before giving up on the agent (libvirt's limit). */
const MAX_RESPONSE = 10 * 1024 * 1024;
/** The byte the agent puts before its reply to guest-sync-delimited, and that resets its parser when sent to it. */
const DELIMITER = 0xff;

/** One JSON reply of the agent. */
export interface AgentReply {
  readonly return?: unknown;
  readonly error?: { readonly class?: string; readonly desc?: string };
  /** The line as the agent sent it: numbers beyond double precision (nanosecond clocks) intact. */
  readonly text?: string;
}

/** A command as sent: `execute` and its `arguments`. */
export interface AgentCommand {
  readonly execute: string;
  readonly arguments?: Record<string, unknown>;
}

interface Waiter {
  /** Set while syncing: the id whose echo ends the sync; other replies are stale and dropped. */
  readonly syncId?: number;
  resolve(reply: AgentReply): void;
  reject(e: VirError): void;
}

export const agentUnresponsive = (detail: string): VirError => new VirError(ErrorCode.AGENT_UNRESPONSIVE, detail, D);
const disappeared = (): VirError => agentUnresponsive('Guest agent disappeared while executing command');

/**
 * The wait for a reply in ms for a timeout in libvirt's terms (seconds, or
 * DomainQemuAgentCommandTimeout): BLOCK waits forever (undefined), DEFAULT is five seconds and
 * NOWAIT gives up at once.
 */
export function agentWaitMs(seconds: number): number | undefined {
  const T = DomainQemuAgentCommandTimeout;
  if (seconds === T.BLOCK) return undefined;
  return (seconds === T.DEFAULT ? AGENT_WAIT_SECONDS : seconds) * 1000;
}

/**
 * A client of the QEMU guest agent on the host end of its virtio channel (a unix socket): one
 * JSON object a line each way, no greeting. Before each command it syncs with
 * `guest-sync-delimited` and a random id: the agent's parser is reset with a 0xFF byte, and
 * everything the agent sends before its own 0xFF (a late reply to a command that timed out, half
 * a line) is dropped, as are replies echoing another id. Commands go one at a time.
 */
export class AgentClient {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiter: Waiter | undefined;
  /** Set while a sync waits for the agent's delimiter: bytes before it are garbage. */
  #awaitingDelimiter = false;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(socket: Socket, readonly path: string) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => this.#end());
    socket.on('error', (e) => log.debug(`agent socket ${path}: ${e.message}`));
  }

  /** Connects to the agent's socket; a socket nobody listens on is an agent that is not connected. */
  static async open(path: string): Promise<AgentClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect(path);
      s.once('connect', () => resolve(s));
      s.once('error', (e) => {
        log.debug(`cannot connect to agent socket ${path}: ${e.message}`);
        reject(agentUnresponsive('QEMU guest agent is not connected'));
      });
    });
    return new AgentClient(socket, path);
  }

  /**
   * Runs one command and returns the agent's whole reply, after a sync. `seconds` bounds the
   * wait for the reply (DomainQemuAgentCommandTimeout or seconds); the sync waits at most
   * `syncSeconds` (the domain's agent timeout) or five seconds, whichever is less. With
   * `awaitEvent`, a command the agent answers only on failure (guest-shutdown) succeeds when that
   * promise settles first.
   */
  send(cmd: AgentCommand, seconds: number, opts: { syncSeconds?: number; awaitEvent?: Promise<unknown> } = {}): Promise<AgentReply> {
    const run = this.#queue.then(async () => {
      const sync = opts.syncSeconds !== undefined && opts.syncSeconds >= 0 && opts.syncSeconds < AGENT_WAIT_SECONDS ? opts.syncSeconds : DomainQemuAgentCommandTimeout.DEFAULT;
      await this.#sync(sync);
      return this.#exchange(`${commandText(cmd)}\n`, seconds, undefined, opts.awaitEvent);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Runs a command and returns its `return` value; the agent's error becomes libvirt's, naming the command. */
  async execute<T = unknown>(cmd: AgentCommand, seconds: number, syncSeconds?: number): Promise<T> {
    return checkReply(cmd, await this.send(cmd, seconds, syncSeconds === undefined ? {} : { syncSeconds })).return as T;
  }

  /** Ends the connection; a command waiting fails. */
  close(): void {
    this.#socket.destroy();
  }

  /** guest-sync-delimited with a fresh random id, until the agent echoes it. */
  async #sync(seconds: number): Promise<void> {
    const id = randomInt(1, 2 ** 47);
    this.#awaitingDelimiter = true;
    this.#buffer = Buffer.alloc(0);
    const line = JSON.stringify({ execute: 'guest-sync-delimited', arguments: { id } });
    await this.#exchange(Buffer.concat([Buffer.from([DELIMITER]), Buffer.from(`${line}\n`)]), seconds, id);
  }

  /** Writes `data` and waits for the reply (or, for a sync, the echo of `syncId`). */
  #exchange(data: string | Buffer, seconds: number, syncId?: number, awaitEvent?: Promise<unknown>): Promise<AgentReply> {
    if (this.#closed) return Promise.reject(disappeared());
    log.debug(`send ${this.path}: ${data.toString().replace(/^\xff/, '')}`);
    return new Promise<AgentReply>((resolve, reject) => {
      const ms = agentWaitMs(seconds);
      const timer = ms === undefined || ms === 0 ? undefined : setTimeout(() => finish(() => reject(agentUnresponsive('Guest agent not available for now'))), ms);
      const finish = (then: () => void): void => {
        if (this.#waiter !== waiter) return;
        clearTimeout(timer);
        this.#waiter = undefined;
        then();
      };
      const waiter: Waiter = {
        ...(syncId !== undefined ? { syncId } : {}),
        resolve: (r) => finish(() => resolve(r)),
        reject: (e) => finish(() => reject(e)),
      };
      this.#waiter = waiter;
      void awaitEvent?.then(() => finish(() => resolve({ return: {} })), () => undefined);
      this.#socket.write(data);
      // NOWAIT: the command is on its way and the call does not wait, even for an agent that answers at once.
      if (ms === 0) waiter.reject(agentUnresponsive('Guest agent not available for now'));
    });
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    // 0xFF is never part of JSON text: it always starts a sync reply, and what came before it is stale.
    const at = this.#buffer.lastIndexOf(DELIMITER);
    if (at >= 0) {
      this.#awaitingDelimiter = false;
      this.#buffer = this.#buffer.subarray(at + 1);
    } else if (this.#awaitingDelimiter) {
      this.#buffer = Buffer.alloc(0);
      return;
    }
    let nl: number;
    while ((nl = this.#buffer.indexOf(0x0a)) >= 0) {
      const line = this.#buffer.subarray(0, nl).toString('utf8').trim();
      this.#buffer = this.#buffer.subarray(nl + 1);
      if (line) this.#onLine(line);
    }
    if (this.#buffer.length > MAX_RESPONSE) {
      this.#waiter?.reject(new VirError(ErrorCode.SYSTEM_ERROR, `No complete agent response found in ${MAX_RESPONSE} bytes: Numerical result out of range`, D));
      this.close();
    }
  }

  #onLine(line: string): void {
    log.debug(`recv ${this.path}: ${line}`);
    let reply: AgentReply & { readonly event?: unknown };
    try {
      reply = { ...(JSON.parse(line) as AgentReply), text: line };
    } catch {
      log.warn(`unparsable line from guest agent '${this.path}': ${line}`);
      return;
    }
    const w = this.#waiter;
    if (!w || 'event' in reply) return;
    if (w.syncId !== undefined && reply.return !== w.syncId) {
      log.debug(`dropping a reply that is not the sync's (${w.syncId}): ${line}`);
      return;
    }
    w.resolve(reply);
  }

  #end(): void {
    this.#closed = true;
    this.#waiter?.reject(disappeared());
  }
}

/** A command as JSON text; bigint arguments (nanosecond clocks) written as exact integers. */
export function commandText(cmd: AgentCommand): string {
  const text = JSON.stringify(cmd, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}\u0000` : v));
  return text.replace(/"\\u0000(-?\d+)\\u0000"/g, '$1');
}

/** JSON text without the blanks between tokens, as libvirt writes a reply back (numbers kept as written). */
export function compactJson(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, str: string | undefined) => str ?? '');
}

/** The reply's error as libvirt reports it, naming the command; a reply with neither `return` nor `error` is one too. */
export function checkReply(cmd: AgentCommand, reply: AgentReply): AgentReply {
  if (reply.error !== undefined) {
    // The agent's error rides along as the cause, for callers that act on its class.
    throw new VirError(ErrorCode.INTERNAL_ERROR, `unable to execute QEMU agent command '${cmd.execute}': ${agentErrorDetail(reply.error)}`, D, { cause: reply.error });
  }
  if (!('return' in reply)) throw new VirError(ErrorCode.INTERNAL_ERROR, `unable to execute QEMU agent command '${cmd.execute}'`, D);
  return reply;
}
