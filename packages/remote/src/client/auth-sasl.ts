/**
 * SASL authentication (libvirt's remoteAuthSASL): the server's mechanism list, the client's pick,
 * the credentials asked of the caller's callback in one go (authorization name, authentication
 * name, password, with Cyrus SASL's prompts), then START and STEP until both sides are done. The
 * client refuses what it cannot do in the words libvirt's SASL library uses.
 */
import { ConnectCredentialType, type ConnectAuth, type ConnectCredential } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import {
  REMOTE_PROC_AUTH_SASL_INIT,
  REMOTE_PROC_AUTH_SASL_START,
  REMOTE_PROC_AUTH_SASL_STEP,
  type remote_auth_sasl_start_ret,
} from '../generated/remote-protocol.js';
import { remote_program } from '../protocol/programs.js';
import type { RpcClient } from './rpc-client.js';
import { SASL_MECHANISMS, SaslStepError, type SaslIdentity } from './sasl-mechanisms.js';

export interface SaslOptions {
  /** The mechanism the URI asks for (`auth=sasl.MECH`). */
  readonly mech: string | undefined;
  /** The transport is private, so a mechanism without a security layer may run (libvirt: SSF 0 allowed). */
  readonly secure: boolean;
  readonly auth: ConnectAuth | undefined;
}

export const authFailed = (text: string, domain: ErrorDomain = ErrorDomain.REMOTE): VirError =>
  new VirError(ErrorCode.AUTH_FAILED, text, domain);

/** A mechanism that needs more rounds than this is broken (ours need two at most). */
const MAX_STEPS = 8;

/** What the client's SASL library says when no mechanism it has fits (Cyrus SASL's SASL_NOMECH). */
const NO_WORTHY_MECH = 'Failed to start SASL negotiation: -4 (SASL(-4): no mechanism available: No worthy mechs found)';

/** The credentials a mechanism needs, as Cyrus SASL asks them; the authorization name only when the callback can answer it. */
const ASKED: readonly Omit<ConnectCredential, 'result'>[] = [
  { type: ConnectCredentialType.USERNAME, prompt: 'Please enter your authorization name', challenge: 'Authorization Name' },
  { type: ConnectCredentialType.AUTHNAME, prompt: 'Please enter your authentication name', challenge: 'Authentication Name' },
  { type: ConnectCredentialType.PASSPHRASE, prompt: 'Please enter your password', challenge: 'Password' },
];
const NEEDED: readonly ConnectCredentialType[] = [ConnectCredentialType.AUTHNAME, ConnectCredentialType.PASSPHRASE];

/** XDR `char` is signed, as libvirt's C client sends each byte. */
const toChars = (b: Buffer): number[] => [...b].map((x) => (x > 127 ? x - 256 : x));
const fromChars = (c: readonly number[]): Buffer => Buffer.from(c.map((x) => x & 255));

async function identity(auth: ConnectAuth): Promise<SaslIdentity> {
  const creds: ConnectCredential[] = ASKED.filter((c) => auth.credtype.includes(c.type)).map((c) => ({ ...c }));
  try {
    await auth.callback(creds);
  } catch {
    throw authFailed('Failed to collect auth credentials');
  }
  const answer = (type: ConnectCredentialType) => {
    const c = creds.find((x) => x.type === type);
    return c?.result ?? c?.defresult ?? '';
  };
  return {
    authzid: answer(ConnectCredentialType.USERNAME),
    authcid: answer(ConnectCredentialType.AUTHNAME),
    password: answer(ConnectCredentialType.PASSPHRASE),
  };
}

export async function authenticateSasl(client: RpcClient, opts: SaslOptions): Promise<void> {
  const call = (proc: number, args?: unknown) => client.call(remote_program, proc, args);
  const { mechlist } = (await call(REMOTE_PROC_AUTH_SASL_INIT)) as { mechlist: string };
  const offered = mechlist.split(/[\s,]+/).filter(Boolean);
  if (opts.mech !== undefined && !offered.includes(opts.mech)) throw authFailed(`SASL mechanism ${opts.mech} not supported by server`);
  const { auth } = opts;
  // without a private transport a mechanism needs a security layer, which none of ours has, unless
  // the URI names a SCRAM mechanism: it never sends the password (the session after it is not
  // protected; libvirt's client refuses it there); without a callback answering name and
  // password, none can run (libvirt's library says the same)
  const transportOk = opts.secure || (opts.mech?.startsWith('SCRAM-') ?? false);
  const able = transportOk && auth !== undefined && NEEDED.every((t) => auth.credtype.includes(t));
  const mech = able ? [...SASL_MECHANISMS.keys()].find((m) => (opts.mech ?? m) === m && offered.includes(m)) : undefined;
  if (!mech || !auth) throw authFailed(NO_WORTHY_MECH, ErrorDomain.RPC);
  const session = SASL_MECHANISMS.get(mech)!(await identity(auth));
  let reply = (await call(REMOTE_PROC_AUTH_SASL_START, { mech, nil: 0, data: toChars(session.initial) })) as remote_auth_sasl_start_ret;
  for (let round = 0; ; round++) {
    if (round > MAX_STEPS) throw authFailed('SASL negotiation did not complete', ErrorDomain.RPC);
    let step;
    try {
      step = session.step(reply.nil ? null : fromChars(reply.data));
    } catch (e) {
      if (!(e instanceof SaslStepError)) throw e;
      throw authFailed(`Failed SASL step: -13 (SASL(-13): authentication failure: ${e.message})`, ErrorDomain.RPC);
    }
    // the server's completion is believed only once the mechanism has checked it
    if (reply.complete && step.done) return;
    reply = (await call(REMOTE_PROC_AUTH_SASL_STEP, { nil: step.out ? 0 : 1, data: step.out ? toChars(step.out) : [] })) as remote_auth_sasl_start_ret;
  }
}
