/** The daemon's limits, libvirtd's defaults unless a test narrows them. */
export interface ServerLimits {
  /** Clients connected at once (libvirtd's max_clients). */
  readonly maxClients: number;
  /** Calls of one client in progress at once; reading from it pauses beyond (max_client_requests). */
  readonly maxClientRequests: number;
  /** Bytes queued towards a client that does not read before it is dropped. */
  readonly maxPendingOutput: number;
  /** Seconds between keepalive pings to an idle client that asked for keepalive (keepalive_interval). */
  readonly keepaliveInterval: number;
  /** Pings unanswered before the client is dropped (keepalive_count). */
  readonly keepaliveCount: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxClients: 5000,
  maxClientRequests: 5,
  maxPendingOutput: 64 * 1024 * 1024,
  keepaliveInterval: 5,
  keepaliveCount: 5,
};
