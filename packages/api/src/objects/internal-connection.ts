import type { Connection } from './connection.js';

/**
 * Connections a driver opened through OpenContext.connect: calls on them are the drivers' own
 * (libvirt's elevated identity), so a private secret's value is handed to them, never to clients.
 * Kept out of the package's exports: only connect() marks a connection.
 */
const INTERNAL = new WeakSet<Connection>();

export function markInternal(conn: Connection): Connection {
  INTERNAL.add(conn);
  return conn;
}

export function isInternal(conn: Connection): boolean {
  return INTERNAL.has(conn);
}
