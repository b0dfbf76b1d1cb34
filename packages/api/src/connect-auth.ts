/** libvirt's credential types (virConnectCredentialType): what an auth callback may be asked for. */
export const ConnectCredentialType = {
  /** The identity to act as (SASL's authorization name). */
  USERNAME: 1,
  /** The identity to authenticate as. */
  AUTHNAME: 2,
  /** RFC 1766 languages, comma separated. */
  LANGUAGE: 3,
  /** The client's nonce. */
  CNONCE: 4,
  /** A password or passphrase. */
  PASSPHRASE: 5,
  /** A challenge answered with echo (ssh's yes/no questions). */
  ECHOPROMPT: 6,
  /** A challenge answered without echo (ssh's password prompt). */
  NOECHOPROMPT: 7,
  /** The authentication realm. */
  REALM: 8,
  /** Externally managed credentials. */
  EXTERNAL: 9,
} as const;
export type ConnectCredentialType = (typeof ConnectCredentialType)[keyof typeof ConnectCredentialType];

/** One credential asked for (virConnectCredential): the callback sets `result`. */
export interface ConnectCredential {
  readonly type: ConnectCredentialType;
  /** The prompt to show the user. */
  readonly prompt: string;
  /** Additional challenge text (a short name of what is asked). */
  readonly challenge?: string;
  /** The answer to use when the user gives none. */
  readonly defresult?: string;
  /** The answer. */
  result?: string;
}

/**
 * Authentication callbacks (libvirt's virConnectAuth): the credential types the callback can
 * answer, and the callback, which fills each credential's `result` (all asked at once, as
 * libvirt does) or throws to refuse.
 */
export interface ConnectAuth {
  readonly credtype: readonly ConnectCredentialType[];
  callback(creds: ConnectCredential[]): void | Promise<void>;
}
