/**
 * Authentication after the transport is up (libvirt's remoteAuthenticate): the server lists the
 * types it accepts; `none` needs nothing, polkit is one call. SASL is refused for now.
 */
import { ErrorCode, ErrorDomain, VirError, type VirURI } from '@tsvirt/util';
import {
  REMOTE_AUTH_NONE,
  REMOTE_AUTH_POLKIT,
  REMOTE_AUTH_SASL,
  REMOTE_PROC_AUTH_LIST,
  REMOTE_PROC_AUTH_POLKIT,
} from '../generated/remote-protocol.js';
import { remote_program } from '../protocol/programs.js';
import type { RpcClient } from './rpc-client.js';

const NAMES: Record<number, string> = { [REMOTE_AUTH_NONE]: 'none', [REMOTE_AUTH_SASL]: 'sasl', [REMOTE_AUTH_POLKIT]: 'polkit' };

export async function authenticate(client: RpcClient, uri: VirURI, transport: string): Promise<void> {
  void transport;
  const { types } = (await client.call(remote_program, REMOTE_PROC_AUTH_LIST)) as { types: number[] };
  if (types.length === 0 || types.includes(REMOTE_AUTH_NONE)) return;
  const wanted = new URLSearchParams(uri.query as [string, string][]).get('auth');
  const type = wanted ? types.find((t) => NAMES[t] === wanted) : types[0];
  if (type === undefined) {
    throw new VirError(ErrorCode.AUTH_FAILED, `requested authentication type ${wanted} rejected`, ErrorDomain.REMOTE, {
      message: `authentication failed: requested authentication type ${wanted} rejected`,
    });
  }
  if (type === REMOTE_AUTH_POLKIT) {
    await client.call(remote_program, REMOTE_PROC_AUTH_POLKIT);
    return;
  }
  throw new VirError(ErrorCode.AUTH_FAILED, `unsupported authentication type ${type}`, ErrorDomain.REMOTE);
}
