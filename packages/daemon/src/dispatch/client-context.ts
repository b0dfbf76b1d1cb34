import { connect, type Connection, type ConnectionCloseCallback } from '@tsvirt/api';
import { encodeEvent, remote, remote_program } from '@tsvirt/remote/protocol';
import { ErrorCode, VirError, logger, parseURI } from '@tsvirt/util';
import { EventRegistry } from './event-registry.js';
import { StreamRegistry, type StreamIO } from './stream-registry.js';
import { ClientAuth } from '../auth/client-auth.js';
import { remembered } from '../remembered.js';

/** What a client context needs of its session: the way back to the client. */
export interface ClientIO extends StreamIO {
  /** Starts pinging the client (it said it speaks keepalive). */
  startKeepalive(): void;
  /** Why descriptors cannot be passed to this client (not a unix socket, no addon), or undefined. */
  fdPassingMissing(): string | undefined;
}

const log = logger('daemon.client');

/** Whether a URI names a transport or a host (parsed once per URI: a parse cost a tenth of CONNECT_OPEN's CPU). */
const reachesOut = remembered((uri: string): boolean => {
  const parsed = parseURI(uri);
  return parsed.transport !== undefined || parsed.host !== undefined;
});

/** libvirt's VIR_CONNECT_RO flag of virConnectOpenAuth. */
const CONNECT_RO = 1;

/**
 * The state of one client that handlers work on: its @tsvirt/api connection (opened with the URI
 * the client names, read-only when it came through the read-only socket), its event callbacks and
 * the way back to it.
 */
export class ClientContext {
  #conn: Connection | undefined;
  #opening: Promise<void> | undefined;
  readonly events: EventRegistry;
  readonly streams: StreamRegistry;

  constructor(
    readonly readonly: boolean,
    /** Whether the transport is private (a unix socket), for CONNECT_IS_SECURE. */
    readonly secure: boolean,
    /** The URI a client's name opens (the daemon's root for `system`, see served-uri.ts). */
    private readonly uriFor: (name: string | null) => string,
    private readonly io: ClientIO,
    /** The client's authentication (none unless its listener asks for SASL). */
    readonly auth: ClientAuth = new ClientAuth({}, 0),
  ) {
    this.events = new EventRegistry(this);
    this.streams = new StreamRegistry(io);
  }

  /**
   * The close callback registered for the client (CONNECT_REGISTER_CLOSE_CALLBACK): relays its
   * connection's close, as libvirtd does (only a connection that can close by itself calls it).
   */
  readonly relayClose: ConnectionCloseCallback = (_conn, reason) => {
    this.send(encodeEvent(remote_program, remote.REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED, { reason }));
  };

  /** Queues a frame to the client. */
  send(frame: Uint8Array): void {
    this.io.send(frame);
  }

  startKeepalive(): void {
    this.io.startKeepalive();
  }

  fdPassingMissing(): string | undefined {
    return this.io.fdPassingMissing();
  }

  get isOpen(): boolean {
    return this.#conn !== undefined;
  }

  /** The client's connection; libvirt's error before CONNECT_OPEN. */
  get conn(): Connection {
    if (!this.#conn) throw new VirError(ErrorCode.INTERNAL_ERROR, 'connection not open');
    return this.#conn;
  }

  /** CONNECT_OPEN: the driver the URI names, through @tsvirt/api. */
  async open(name: string | null, flags: number): Promise<void> {
    if (this.#conn || this.#opening) throw new VirError(ErrorCode.INTERNAL_ERROR, 'connection already open');
    const uri = this.uriFor(name || null);
    // A daemon serves its own drivers; reaching another daemon from here is libvirtd's refusal too.
    if (reachesOut(uri)) {
      throw new VirError(ErrorCode.NO_CONNECT, `no connection driver available for ${uri}`);
    }
    log.info(`client opens ${uri}${this.readonly ? ' (read-only socket)' : ''}`);
    this.#opening = (async () => {
      this.#conn = await connect(uri, { readonly: this.readonly || (flags & CONNECT_RO) !== 0, served: true });
    })();
    try {
      await this.#opening;
    } finally {
      this.#opening = undefined;
    }
  }

  /** CONNECT_CLOSE or a disconnect: callbacks removed, the driver connection closed. */
  async close(): Promise<void> {
    this.events.clear();
    this.streams.closeAll();
    const conn = this.#conn;
    this.#conn = undefined;
    await conn?.close().catch((e) => log.warn(`closing a client's connection: ${(e as Error).message}`));
  }
}
