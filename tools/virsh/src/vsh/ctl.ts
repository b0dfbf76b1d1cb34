import { connect, ConnectCloseReason, type Connection } from '@tsvirt/api';
import { ErrorCode, VirError, parseURI } from '@tsvirt/util';
import { writeFd } from './fd-output.js';

/** A command failure with virsh's own first line, followed by the libvirt error that caused it. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(message: string, readonly causeError?: unknown) {
    super(message);
  }
}

/** Global settings from the command line (virsh's vshControl). */
export interface CtlOptions {
  readonly uri: string | undefined;
  readonly quiet: boolean;
  readonly readonly: boolean;
  /** `-t`: print how long each command took. */
  readonly timing: boolean;
  /** `-d`: messages of this level and above are printed (DebugLevel); virsh's default shows none. */
  readonly debug: DebugLevel;
  /** `-k`: seconds between keepalives, 0 to disable; undefined when not given (virsh's default 5). */
  readonly keepaliveInterval: number | undefined;
  /** `--json` before the command: every command that can prints JSON, and errors are JSON. */
  readonly json?: boolean;
}

/** virsh's message levels (vshErrorLevel), as `-d` selects them. */
export enum DebugLevel {
  DEBUG = 0,
  INFO = 1,
  NOTICE = 2,
  WARNING = 3,
  ERROR = 4,
}

/** virsh's words for a connection that closed by itself (virshCatchDisconnect). */
const DISCONNECTED: Partial<Record<ConnectCloseReason, string>> = {
  [ConnectCloseReason.ERROR]: 'Disconnected from URI due to I/O error',
  [ConnectCloseReason.EOF]: 'Disconnected from URI due to end of file',
  [ConnectCloseReason.KEEPALIVE]: 'Disconnected from URI due to keepalive timeout',
};

/** What commands share: output streams, the quiet flag and the connection, opened on first use. */
export class Ctl {
  #conn: Connection | undefined;
  /** Told when the connection closes by itself: an event wait then ends, as virsh's does. */
  readonly #disconnectListeners = new Set<() => void>();
  /** The connection closed by itself (until the next one opens). */
  #lost = false;
  #stdout = '';
  #stderr = '';
  /** process.hrtime.bigint() when the current command started (not `performance`, which loads perf_hooks). */
  #started = 0n;
  /** Commands come from the interactive terminal (stdin) rather than the command line. */
  interactive = false;
  /** The running command asked for JSON: its errors are reported as JSON objects. */
  jsonErrors = false;

  constructor(public opts: CtlOptions) {}

  commandStarts(): void {
    this.#started = process.hrtime.bigint();
  }
  /** Milliseconds since the current command started. */
  sinceCommandStart(): number {
    return Number(process.hrtime.bigint() - this.#started) / 1e6;
  }

  /** Output that is always shown (vshPrint). */
  print(text: string): void {
    this.#stdout += text;
  }
  /** Output hidden by `-q` (vshPrintExtra). */
  extra(text: string): void {
    if (!this.opts.quiet) this.#stdout += text;
  }
  /** A `-d` message (vshDebug): printed to stdout when the level is at least the chosen one. */
  debug(level: DebugLevel, text: string): void {
    if (level >= this.opts.debug) this.#stdout += `${text}\n`;
  }
  /** Whether `-d` shows messages of `level`: a caller builds a message only then. */
  debugs(level: DebugLevel): boolean {
    return level >= this.opts.debug;
  }
  error(message: string): void {
    this.#stderr += `error: ${message}\n`;
  }
  /** What a library virsh uses prints to stderr by itself (libxml2's XPath errors). */
  rawError(text: string): void {
    this.#stderr += text;
  }
  /** How many characters of standard output wait to be written. */
  pendingOutput(): number {
    return this.#stdout.length;
  }
  /** Whether an error line waits to be written. */
  hasErrorOutput(): boolean {
    return this.#stderr !== '';
  }
  /** Everything written so far, for the caller to flush in order. */
  takeOutput(): { stdout: string; stderr: string } {
    const out = { stdout: this.#stdout, stderr: this.#stderr };
    this.#stdout = '';
    this.#stderr = '';
    return out;
  }

  /** Writes what waits at once (a script's output is otherwise written when its command ends): an event wait's lines as they come. */
  writeNow(): void {
    const { stdout, stderr } = this.takeOutput();
    writeFd(1, stdout);
    writeFd(2, stderr);
  }

  /** Whether the connection is open. */
  get connected(): boolean {
    return this.#conn !== undefined;
  }
  /**
   * The connection if open: a command that runs after runCommands opened it takes it without
   * awaiting connect(), whose promise and turn of the microtask queue are a part of a quick command.
   */
  get openConnection(): Connection | undefined {
    return this.#conn;
  }

  /** Opens the connection; virsh reports a failure as two error lines. */
  async connect(): Promise<Connection> {
    if (!this.#conn) {
      try {
        this.#conn = await connect(this.opts.uri, { readonly: this.opts.readonly });
        this.#lost = false;
      } catch (e) {
        throw new CommandFailed('failed to connect to the hypervisor', e);
      }
      await this.setupKeepalive();
      // its URI now: the callback may come once the connection is closed (after the command)
      const uri = this.#conn.getURI();
      await this.#conn.registerCloseCallback((_conn, reason) => this.#disconnected(uri, reason));
    }
    return this.#conn;
  }

  /** `listener` is called when the connection closes by itself (at once if it has); answers its removal. */
  onDisconnect(listener: () => void): () => void {
    if (this.#lost) listener();
    this.#disconnectListeners.add(listener);
    return () => this.#disconnectListeners.delete(listener);
  }

  /** virsh says so at once (the command may have ended already) and ends any event wait. */
  #disconnected(uri: string, reason: ConnectCloseReason): void {
    this.#lost = true;
    this.error(DISCONNECTED[reason]?.replace('URI', uri) ?? 'unknown reason');
    this.writeNow();
    for (const listener of [...this.#disconnectListeners]) listener();
  }

  /**
   * Keepalive needs a remote connection: as with virsh on a local driver, asking for it
   * explicitly fails the connection, the default only notes it. A remote connection (a URI with
   * a transport or a host) keeps its own, as libvirt's does.
   */
  private async setupKeepalive(): Promise<void> {
    const interval = this.opts.keepaliveInterval;
    if (interval === 0) return;
    const uri = parseURI(this.#conn!.getURI());
    if (uri.transport !== undefined || uri.host !== undefined) return;
    if (interval === undefined) {
      this.debug(DebugLevel.INFO, 'Failed to setup keepalive on connection');
      return;
    }
    this.error('Cannot setup keepalive on connection as requested, disconnecting');
    await this.close();
    throw new CommandFailed('failed to connect to the hypervisor', new VirError(ErrorCode.NO_SUPPORT, 'virConnectSetKeepAlive'));
  }

  /** `connect [URI] [--readonly]`: drops the connection and opens a new one. */
  async reconnect(uri: string | undefined, readonly: boolean): Promise<void> {
    await this.close();
    this.opts = { ...this.opts, uri: uri ?? this.opts.uri, readonly };
    await this.connect();
  }

  async close(): Promise<void> {
    await this.#conn?.close();
    this.#conn = undefined;
  }

  /**
   * Prints a command's failure as virsh does: its own line, then the libvirt error. Under `--json`
   * it is one JSON object a line: libvirt's `code`, `domain` and `message` (both numbers null for an
   * error of tsvirsh's own), and virsh's own first line as `context` when it has one.
   */
  report(e: unknown): void {
    if (this.jsonErrors) {
      this.#stderr += `${JSON.stringify(errorJSON(e))}\n`;
      return;
    }
    if (e instanceof CommandFailed) {
      this.error(e.message);
      if (e.causeError !== undefined) this.report(e.causeError);
    } else if (e instanceof VirError || e instanceof Error) {
      this.error(e.message);
    } else {
      this.error(String(e));
    }
  }
}

/** A failure as `--json` reports it. */
function errorJSON(e: unknown): { code: number | null; domain: number | null; message: string; context?: string } {
  if (e instanceof CommandFailed) {
    const cause = e.causeError === undefined ? undefined : errorJSON(e.causeError);
    return cause ? { ...cause, context: e.message } : { code: null, domain: null, message: e.message };
  }
  if (e instanceof VirError) return { code: e.code, domain: e.domain, message: e.message };
  return { code: null, domain: null, message: e instanceof Error ? e.message : String(e) };
}
