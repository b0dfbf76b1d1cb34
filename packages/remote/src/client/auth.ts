/**
 * Authentication after the transport is up (libvirt's remoteAuthenticate): the server lists the
 * types it accepts; `none` needs nothing, polkit is one call, SASL runs one of the mechanisms of
 * `sasl-mechanisms.ts` with credentials from the caller's auth callback. `auth=sasl.MECH` in
 * the URI picks the mechanism, `auth=TYPE` the type.
 */
import type { ConnectAuth } from '@tsvirt/api';
import { uriParam, type VirURI } from '@tsvirt/util';
import {
  REMOTE_AUTH_NONE,
  REMOTE_AUTH_POLKIT,
  REMOTE_AUTH_SASL,
  REMOTE_PROC_AUTH_LIST,
  REMOTE_PROC_AUTH_POLKIT,
} from '../generated/remote-protocol.js';
import { remote_program } from '../protocol/programs.js';
import type { RpcClient } from './rpc-client.js';
import { authFailed, authenticateSasl } from './auth-sasl.js';

/** Where the transport itself is private (libvirt's `is_secure`): SASL then needs no security layer of its own. */
const SECURE_TRANSPORTS = new Set(['unix', 'tls', 'ssh', 'libssh', 'libssh2', 'ext']);

/**
 * The type `auth=` asks for, as libvirt's client reads it (case-insensitively): `sasl` or
 * `sasl.MECH`, `polkit`; anything else is refused, even a type the server offers.
 */
function requested(wanted: string, offered: readonly number[]): number {
  const type = /^sasl(\.|$)/i.test(wanted) ? REMOTE_AUTH_SASL : /^polkit$/i.test(wanted) ? REMOTE_AUTH_POLKIT : undefined;
  if (type === undefined) throw authFailed(`unknown authentication type ${wanted}`);
  if (!offered.includes(type)) throw authFailed(`requested authentication type ${wanted} rejected`);
  return type;
}

export async function authenticate(client: RpcClient, uri: VirURI, transport: string, auth: ConnectAuth | undefined): Promise<void> {
  const { types } = (await client.call(remote_program, REMOTE_PROC_AUTH_LIST)) as { types: number[] };
  if (types.length === 0) return;
  const wanted = uriParam(uri, 'auth');
  const type = wanted === undefined ? types[0] : requested(wanted, types);
  if (type === REMOTE_AUTH_NONE) return;
  if (type === REMOTE_AUTH_POLKIT) {
    await client.call(remote_program, REMOTE_PROC_AUTH_POLKIT);
    return;
  }
  if (type === REMOTE_AUTH_SASL) {
    const mech = wanted !== undefined && /^sasl\./i.test(wanted) ? wanted.slice('sasl.'.length) : undefined;
    await authenticateSasl(client, { mech, secure: SECURE_TRANSPORTS.has(transport), auth });
    return;
  }
  throw authFailed(`unsupported authentication type ${type}`);
}
