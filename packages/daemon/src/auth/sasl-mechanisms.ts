/**
 * The server side of the SASL mechanisms tsvirt's client speaks: SCRAM (RFC 5802, SHA-1 and
 * SHA-256 per RFC 7677) and PLAIN (RFC 4616), checked against the user database. Neither has a
 * security layer: SCRAM never sends the password, PLAIN does, so PLAIN is offered over TLS only.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SaslUsers } from './sasl-users.js';

/** The server's answer to one client message: its reply, and the user once authenticated. */
export interface SaslServerStep {
  readonly out: Buffer | null;
  /** The authenticated user; unset while the exchange goes on. */
  readonly user?: string;
}

/** One exchange, fed the client's messages in turn; a failure throws SaslRefused. */
export interface SaslServerSession {
  step(clientIn: Buffer | null): SaslServerStep;
}

/** A client that failed to authenticate (the reason is for the log, never the client). */
export class SaslRefused extends Error {}

/** PBKDF2 rounds of a SCRAM exchange (RFC 7677's minimum is 4096). */
const ITERATIONS = 4096;

const unescapeName = (s: string): string => s.replace(/=2C/g, ',').replace(/=3D/g, '=');
const equal = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** PLAIN: `authzid NUL authcid NUL password` in one message; acting as another user is refused. */
function plain(users: SaslUsers): SaslServerSession {
  return {
    step(clientIn) {
      const [authzid = '', authcid = '', password = ''] = (clientIn ?? Buffer.alloc(0)).toString('utf8').split('\0');
      const known = users.get(authcid);
      if (known === undefined || !equal(Buffer.from(known), Buffer.from(password))) throw new SaslRefused(`bad password for '${authcid}'`);
      if (authzid !== '' && authzid !== authcid) throw new SaslRefused(`'${authcid}' may not act as '${authzid}'`);
      return { out: null, user: authcid };
    },
  };
}

/** SCRAM: client-first → server-first (nonce, salt, rounds) → client-final (proof) → server-final (signature). */
function scram(hash: 'sha1' | 'sha256', users: SaslUsers): SaslServerSession {
  const hmac = (key: Buffer, text: string): Buffer => createHmac(hash, key).update(text).digest();
  let first: { gs2: string; bare: string; user: string; serverFirst: string; nonce: string; salt: Buffer } | undefined;
  return {
    step(clientIn) {
      const text = clientIn?.toString('utf8') ?? '';
      if (!first) {
        // gs2 header: no channel binding ('n' or 'y'); an authzid other than the user is refused
        const m = /^([ny]),(?:a=([^,]*))?,(n=([^,]*),r=([^,]+)(?:,.*)?)$/.exec(text);
        if (!m) throw new SaslRefused('malformed client-first-message');
        const user = unescapeName(m[4]!);
        if (m[2] !== undefined && unescapeName(m[2]) !== user) throw new SaslRefused(`'${user}' may not act as '${unescapeName(m[2])}'`);
        const nonce = m[5]! + randomBytes(18).toString('base64');
        const salt = randomBytes(16);
        const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
        first = { gs2: text.slice(0, text.length - m[3]!.length), bare: m[3]!, user, serverFirst, nonce, salt };
        return { out: Buffer.from(serverFirst) };
      }
      const m = /^c=([^,]*),r=([^,]*)(?:,.*)?,p=([^,]+)$/.exec(text);
      if (!m || Buffer.from(m[1]!, 'base64').toString() !== first.gs2 || m[2] !== first.nonce) throw new SaslRefused('malformed client-final-message');
      const password = users.get(first.user);
      // an unknown user costs as much as a known one and fails the same way
      const salted = pbkdf2Sync(password ?? randomBytes(16), first.salt, ITERATIONS, hash === 'sha1' ? 20 : 32, hash);
      const authMessage = `${first.bare},${first.serverFirst},${text.slice(0, text.lastIndexOf(',p='))}`;
      const storedKey = createHash(hash).update(hmac(salted, 'Client Key')).digest();
      const signature = hmac(storedKey, authMessage);
      const proof = Buffer.from(m[3]!, 'base64');
      const clientKey = Buffer.from(proof.map((b, i) => b ^ (signature[i] ?? 0)));
      if (password === undefined || proof.length !== signature.length || !equal(createHash(hash).update(clientKey).digest(), storedKey)) {
        throw new SaslRefused(`bad proof for '${first.user}'`);
      }
      return { out: Buffer.from(`v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`), user: first.user };
    },
  };
}

/** The mechanisms by SASL name, strongest first (the order of the list a client is offered). */
export const SERVER_MECHANISMS: ReadonlyMap<string, (users: SaslUsers) => SaslServerSession> = new Map([
  ['SCRAM-SHA-256', (u: SaslUsers) => scram('sha256', u)],
  ['SCRAM-SHA-1', (u: SaslUsers) => scram('sha1', u)],
  ['PLAIN', plain],
]);
