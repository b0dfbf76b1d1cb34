/** The `tls` transport (node:tls with libvirt's certificate paths). */
import type { Duplex } from 'node:stream';
import { ErrorCode, ErrorDomain, VirError, type VirURI } from '@tsvirt/util';

export async function openTLS(uri: VirURI): Promise<Duplex> {
  throw new VirError(ErrorCode.NO_SUPPORT, `the tls transport is not available yet (${uri.raw})`, ErrorDomain.REMOTE);
}
