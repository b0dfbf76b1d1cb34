import type { DaemonOptions } from '../options.js';
import type { ListenerAuth } from './client-auth.js';
import { loadSaslUsers } from './sasl-users.js';

/**
 * What the TCP and TLS listeners ask of their clients. SASL offers the mechanisms strongest
 * first; over plain TCP only SCRAM, which never sends the password (PLAIN would send it in clear).
 */
export async function listenerAuth(options: DaemonOptions): Promise<{ tcp: ListenerAuth; tls: ListenerAuth }> {
  const sasl = options.authTcp === 'sasl' || options.authTls === 'sasl';
  const users = sasl && options.saslUsers !== undefined ? await loadSaslUsers(options.saslUsers) : undefined;
  const withSasl = (on: boolean, mechanisms: string[]): ListenerAuth => (on && users ? { sasl: { users, mechanisms } } : {});
  return {
    tcp: withSasl(options.authTcp === 'sasl', ['SCRAM-SHA-256', 'SCRAM-SHA-1']),
    tls: withSasl(options.authTls === 'sasl', ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']),
  };
}
