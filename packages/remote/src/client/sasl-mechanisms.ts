/**
 * The SASL mechanisms the client speaks: PLAIN (RFC 4616) and SCRAM (RFC 5802, SHA-1 and
 * SHA-256 per RFC 7677), strongest first. None has a security layer, so they are used only where
 * the transport is private (TLS, a unix socket, ssh), as libvirt's client requires.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a mechanism needs from the user. */
export interface SaslIdentity {
  /** The identity to act as (empty: the authentication name's own). */
  readonly authzid: string;
  readonly authcid: string;
  readonly password: string;
}

/** One exchange of a mechanism: the client's first message, then an answer per server challenge. */
export interface SaslSession {
  /** The initial response sent with the mechanism's name. */
  readonly initial: Buffer;
  /** Answers a server message; `done` once the mechanism has verified the server (when it can). */
  step(serverIn: Buffer | null): { out: Buffer | null; done: boolean };
}

/** A SASL step failure, worded as libvirt reports one from its SASL library. */
export class SaslStepError extends Error {}

const plain = (id: SaslIdentity): SaslSession => ({
  initial: Buffer.from(`${id.authzid}\0${id.authcid}\0${id.password}`, 'utf8'),
  step: () => ({ out: null, done: true }),
});

/** RFC 5802's escaping of a name in a SCRAM message. */
const scramName = (s: string): string => s.replace(/=/g, '=3D').replace(/,/g, '=2C');

function scram(hash: 'sha1' | 'sha256', id: SaslIdentity): SaslSession {
  const gs2 = `n,${id.authzid && id.authzid !== id.authcid ? `a=${scramName(id.authzid)}` : ''},`;
  const clientNonce = randomBytes(18).toString('base64');
  const firstBare = `n=${scramName(id.authcid)},r=${clientNonce}`;
  const hmac = (key: Buffer, text: string): Buffer => createHmac(hash, key).update(text).digest();
  let serverSignature: Buffer | undefined;
  return {
    initial: Buffer.from(gs2 + firstBare),
    step(serverIn) {
      const text = serverIn?.toString('utf8') ?? '';
      const fields = new Map(text.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
      if (!serverSignature) {
        const nonce = fields.get('r') ?? '';
        const salt = Buffer.from(fields.get('s') ?? '', 'base64');
        const iterations = Number(fields.get('i'));
        if (!nonce.startsWith(clientNonce) || !salt.length || !(iterations > 0)) throw new SaslStepError('invalid server-first-message');
        const salted = pbkdf2Sync(id.password, salt, iterations, hash === 'sha1' ? 20 : 32, hash);
        const clientKey = hmac(salted, 'Client Key');
        const withoutProof = `c=${Buffer.from(gs2).toString('base64')},r=${nonce}`;
        const authMessage = `${firstBare},${text},${withoutProof}`;
        const signature = hmac(createHash(hash).update(clientKey).digest(), authMessage);
        const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
        serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
        return { out: Buffer.from(`${withoutProof},p=${proof.toString('base64')}`), done: false };
      }
      const v = Buffer.from(fields.get('v') ?? '', 'base64');
      if (v.length !== serverSignature.length || !timingSafeEqual(v, serverSignature)) {
        throw new SaslStepError(fields.has('e') ? `server error: ${fields.get('e')}` : 'server signature mismatch');
      }
      return { out: null, done: true };
    },
  };
}

/** The mechanisms by their SASL names, in the order the client prefers them. */
export const SASL_MECHANISMS: ReadonlyMap<string, (id: SaslIdentity) => SaslSession> = new Map([
  ['SCRAM-SHA-256', (id: SaslIdentity) => scram('sha256', id)],
  ['SCRAM-SHA-1', (id: SaslIdentity) => scram('sha1', id)],
  ['PLAIN', plain],
]);
