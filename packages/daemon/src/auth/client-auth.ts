import { remote } from '@tsvirt/remote/protocol';
import { ErrorCode, ErrorDomain, VirError, logger } from '@tsvirt/util';
import { SERVER_MECHANISMS, SaslRefused, type SaslServerSession } from './sasl-mechanisms.js';
import type { SaslUsers } from './sasl-users.js';

const log = logger('daemon.auth');

/** How a listener authenticates its clients: none (the socket's access is the control), or SASL. */
export interface ListenerAuth {
  /** The SASL user database and the mechanisms offered, when the listener asks for SASL. */
  readonly sasl?: { readonly users: SaslUsers; readonly mechanisms: readonly string[] };
}

/** The calls a client may make before it has authenticated (libvirt's needAuth = false). */
const BEFORE_AUTH = new Set<number>([
  remote.REMOTE_PROC_AUTH_LIST, remote.REMOTE_PROC_AUTH_SASL_INIT, remote.REMOTE_PROC_AUTH_SASL_START,
  remote.REMOTE_PROC_AUTH_SASL_STEP, remote.REMOTE_PROC_AUTH_POLKIT,
]);

/** libvirt's one answer to any failed authentication step; the reason goes to the log only. */
const authFailed = (): VirError => new VirError(ErrorCode.AUTH_FAILED, 'authentication failed', ErrorDomain.RPC);

/** XDR `char` is signed: libvirt's C peers send each byte so. */
const toChars = (b: Buffer): number[] => [...b].map((x) => (x > 127 ? x - 256 : x));
const fromChars = (c: readonly number[]): Buffer => Buffer.from(c.map((x) => x & 255));

/** One step's reply on the wire (remote_auth_sasl_start_ret and _step_ret). */
interface WireStep { complete: number; nil: number; data: number[] }

/**
 * One client's authentication, as libvirtd runs it: until a SASL exchange completes, only the
 * authentication calls are served (`authentication required` for any other); a failed step
 * answers `authentication failed` and lets the client start again.
 */
export class ClientAuth {
  #session: { readonly mech: string; readonly run: SaslServerSession } | undefined;
  #user: string | undefined;
  #pending: boolean;

  constructor(private readonly listener: ListenerAuth, private readonly client: number) {
    this.#pending = listener.sasl !== undefined;
  }

  /** The types AUTH_LIST offers: SASL while it is required, else none. */
  get types(): number[] {
    return [this.listener.sasl ? remote.REMOTE_AUTH_SASL : remote.REMOTE_AUTH_NONE];
  }

  /** The user a SASL exchange authenticated. */
  get user(): string | undefined {
    return this.#user;
  }

  /** Refuses a call the client may not make yet. */
  check(proc: number, program: string): void {
    if (this.#pending && !(program === 'remote' && BEFORE_AUTH.has(proc))) {
      throw new VirError(ErrorCode.RPC, 'authentication required', ErrorDomain.RPC);
    }
  }

  /** AUTH_SASL_INIT: the mechanisms offered, comma-separated as libvirtd lists them. */
  init(): { mechlist: string } {
    const sasl = this.requireSasl('init');
    this.#session = undefined;
    return { mechlist: sasl.mechanisms.join(',') };
  }

  /** AUTH_SASL_START: the mechanism chosen and its first message. */
  start(mech: string, nil: number, data: readonly number[]): WireStep {
    const sasl = this.requireSasl('start');
    const make = sasl.mechanisms.includes(mech) ? SERVER_MECHANISMS.get(mech) : undefined;
    if (!make) return this.fail(`mechanism '${mech}' is not offered`);
    this.#session = { mech, run: make(sasl.users) };
    return this.step(nil, data);
  }

  /** AUTH_SASL_STEP: the mechanism's next message. */
  step(nil: number, data: readonly number[]): WireStep {
    const session = this.#session;
    if (!session) return this.fail('a step without a started exchange');
    let r;
    try {
      r = session.run.step(nil ? null : fromChars(data));
    } catch (e) {
      if (e instanceof SaslRefused) return this.fail(e.message);
      throw e;
    }
    if (r.user !== undefined) {
      this.#session = undefined;
      this.#pending = false;
      this.#user = r.user;
      log.info(`client ${this.client}: authenticated as '${r.user}' (${session.mech})`);
    }
    return { complete: r.user !== undefined ? 1 : 0, nil: r.out ? 0 : 1, data: r.out ? toChars(r.out) : [] };
  }

  private requireSasl(what: string): NonNullable<ListenerAuth['sasl']> {
    if (!this.listener.sasl) this.fail(`a SASL ${what} on a listener without SASL`);
    return this.listener.sasl!;
  }

  private fail(why: string): never {
    this.#session = undefined;
    log.warn(`client ${this.client}: SASL authentication failed: ${why}`);
    throw authFailed();
  }
}
