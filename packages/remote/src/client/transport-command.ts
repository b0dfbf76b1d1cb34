/** Transports through a command's stdin and stdout: `ssh` and `ext`. */
import type { Duplex } from 'node:stream';
import { ErrorCode, ErrorDomain, VirError, type VirURI } from '@tsvirt/util';

export async function openSSH(uri: VirURI, readonly: boolean): Promise<Duplex> {
  void readonly;
  throw new VirError(ErrorCode.NO_SUPPORT, `the ssh transport is not available yet (${uri.raw})`, ErrorDomain.REMOTE);
}

export async function openExt(uri: VirURI): Promise<Duplex> {
  throw new VirError(ErrorCode.NO_SUPPORT, `the ext transport is not available yet (${uri.raw})`, ErrorDomain.REMOTE);
}
