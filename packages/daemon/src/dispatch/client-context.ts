import { connect, type Connection } from '@tsvirt/api';
import type { Frame } from '@tsvirt/remote/protocol';
import { ErrorCode, VirError, logger } from '@tsvirt/util';
import { EventRegistry } from './event-registry.js';

const log = logger('daemon.client');

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

  constructor(
    readonly readonly: boolean,
    /** Whether the transport is private (a unix socket), for CONNECT_IS_SECURE. */
    readonly secure: boolean,
    /** The URI used when the client names none (the root the daemon serves). */
    readonly defaultURI: string,
    /** Queues a frame to the client. */
    readonly send: (frame: Uint8Array) => void,
    /** Starts pinging the client (it said it speaks keepalive). */
    readonly startKeepalive: () => void,
  ) {
    this.events = new EventRegistry(this);
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
    const uri = name && name !== '' ? name : this.defaultURI;
    this.#opening = (async () => {
      this.#conn = await connect(uri, { readonly: this.readonly || (flags & CONNECT_RO) !== 0 });
    })();
    try {
      await this.#opening;
    } finally {
      this.#opening = undefined;
    }
  }

  /** Stream frames from the client (data of an upload); no stream procedure is served yet. */
  streamFrame(frame: Frame): void {
    log.debug(`dropping stream data for serial ${frame.header.serial}: no stream is open`);
  }

  /** CONNECT_CLOSE or a disconnect: callbacks removed, the driver connection closed. */
  async close(): Promise<void> {
    this.events.clear();
    const conn = this.#conn;
    this.#conn = undefined;
    await conn?.close().catch((e) => log.warn(`closing a client's connection: ${(e as Error).message}`));
  }
}
