/**
 * Authentication after the transport is up (libvirt's remoteAuthenticate): the server lists the
 * types it accepts; `none` needs nothing, polkit is one call, SASL runs one of the mechanisms of
 * `sasl-mechanisms.ts` with credentials from the caller's auth callback. `auth=sasl.MECH` in
 * the URI picks the mechanism, `auth=TYPE` the type.
 */
import type { ConnectAuth } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, uriParam, type VirURI } from '@tsvirt/util';
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

const NAMES: Record<number, string> = { [REMOTE_AUTH_NONE]: 'none', [REMOTE_AUTH_SASL]: 'sasl', [REMOTE_AUTH_POLKIT]: 'polkit' };

/** Where the transport itself is private (libvirt's `is_secure`): SASL then needs no security layer of its own. */
const SECURE_TRANSPORTS = new Set(['unix', 'tls', 'ssh', 'libssh', 'libssh2', 'ext']);

export async function authenticate(client: RpcClient, uri: VirURI, transport: string, auth: ConnectAuth | undefined): Promise<void> {
  const { types } = (await client.call(remote_program, REMOTE_PROC_AUTH_LIST)) as { types: number[] };
  if (types.length === 0 || types.includes(REMOTE_AUTH_NONE)) return;
  const wanted = uriParam(uri, 'auth');
  const wantedType = wanted?.startsWith('sasl.') ? 'sasl' : wanted;
  const type = wantedType ? types.find((t) => NAMES[t] === wantedType) : types[0];
  if (type === undefined) {
    throw new VirError(ErrorCode.AUTH_FAILED, `requested authentication type ${wanted} rejected`, ErrorDomain.REMOTE, {
      message: `authentication failed: requested authentication type ${wanted} rejected`,
    });
  }
  if (type === REMOTE_AUTH_POLKIT) {
    await client.call(remote_program, REMOTE_PROC_AUTH_POLKIT);
    return;
  }
  if (type === REMOTE_AUTH_SASL) {
    const mech = wanted?.startsWith('sasl.') ? wanted.slice('sasl.'.length) : undefined;
    await authenticateSasl(client, { mech, secure: SECURE_TRANSPORTS.has(transport), auth });
    return;
  }
  throw authFailed(`unsupported authentication type ${type}`);
}
