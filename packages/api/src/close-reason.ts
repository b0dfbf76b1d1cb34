/** Why a connection closed by itself (libvirt's virConnectCloseReason), as a close callback is told. */
export const ConnectCloseReason = {
  /** A misbehaving peer or an I/O error. */
  ERROR: 0,
  /** The peer closed its end (a daemon that exited or was killed). */
  EOF: 1,
  /** The peer stopped answering keepalive pings. */
  KEEPALIVE: 2,
  /** The client asked (libvirt raises it only when a daemon relays it). */
  CLIENT: 3,
} as const;
export type ConnectCloseReason = (typeof ConnectCloseReason)[keyof typeof ConnectCloseReason];
