/**
 * The connection's close callback (libvirt's remoteConnectRegisterCloseCallback): one at a time,
 * called once when the RPC connection closes by itself (EOF, an I/O or protocol error, keepalive)
 * or when the daemon relays that its own driver connection closed (CONNECTION_CLOSED); never
 * on an explicit close. A daemon that supports it (VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK) is told
 * of each registration, so that it relays.
 */
import { ConnectCloseReason, type DriverCloseCallback } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import {
  REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED,
  REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK,
  REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK,
  type remote_connect_event_connection_closed_msg,
} from '../generated/remote-protocol.js';
import type { RpcClient } from '../client/rpc-client.js';
import type { RemoteCall } from './entry-points.js';

const invalid = (text: string): VirError => new VirError(ErrorCode.OPERATION_INVALID, text, ErrorDomain.REMOTE);

/** The two entry points, bound to one client; `serverSide`: the daemon relays its closes. */
export function closeCallbackOverrides(client: RpcClient, serverSide: boolean) {
  let current: DriverCloseCallback | undefined;
  let watching = false;
  const fire = (reason: ConnectCloseReason): void => {
    const cb = current;
    current = undefined;
    // called from the event loop, never inside the socket's handlers (a callback may call back in)
    if (cb) setImmediate(() => cb(reason));
  };
  const watch = (): void => {
    if (watching) return;
    watching = true;
    client.onClose((_error, reason) => {
      if (reason !== ConnectCloseReason.CLIENT) fire(reason);
    });
    client.onEvent(({ proc, msg }) => {
      if (proc === REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED) fire((msg as remote_connect_event_connection_closed_msg).reason as ConnectCloseReason);
    });
  };
  return {
    async connectRegisterCloseCallback(call: RemoteCall, cb: DriverCloseCallback): Promise<void> {
      if (current) throw invalid('A close callback is already registered');
      if (serverSide) await call(REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK);
      watch();
      current = cb;
    },
    async connectUnregisterCloseCallback(call: RemoteCall, cb: DriverCloseCallback): Promise<void> {
      if (current !== cb) throw invalid('A different callback was requested');
      if (serverSide) await call(REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK);
      current = undefined;
    },
  };
}
