import type { DomainRef } from './driver-types.js';

/** One mounted file system of the guest (virDomainFSInfo). */
export interface DomainFSInfo {
  readonly mountpoint: string;
  readonly name: string;
  readonly fstype: string;
  /** The domain's disk targets the file system lies on. */
  readonly devAliases: readonly string[];
}

/** Calls answered by the QEMU guest agent inside the domain (virDomainQemuAgentCommand and friends). */
export interface DomainAgentEntryPoints {
  /** Passes a guest agent command through; `timeout` in seconds or DomainQemuAgentCommandTimeout. Returns the agent's reply. */
  qemuAgentCommand?(dom: DomainRef, cmd: string, timeout: number, flags: number): Promise<string>;
  domainGetFSInfo?(dom: DomainRef, flags: number): Promise<DomainFSInfo[]>;
  /** Sets a guest user's password (DomainSetUserPasswordFlags.ENCRYPTED when already crypted). */
  domainSetUserPassword?(dom: DomainRef, user: string, password: string, flags: number): Promise<void>;
  /** Freezes the guest file systems mounted at `mountpoints` (every one when empty); returns how many froze. */
  domainFSFreeze?(dom: DomainRef, mountpoints: readonly string[], flags: number): Promise<number>;
  /** Thaws the guest's frozen file systems (`mountpoints` as for domainFSFreeze); returns how many thawed. */
  domainFSThaw?(dom: DomainRef, mountpoints: readonly string[], flags: number): Promise<number>;
  /** Discards unused blocks of the guest's file systems, in extents of at least `minimum` bytes (`mountPoint`: one file system). */
  domainFSTrim?(dom: DomainRef, mountPoint: string | undefined, minimum: bigint, flags: number): Promise<void>;
  /** A guest user's authorized SSH keys. */
  domainAuthorizedSSHKeysGet?(dom: DomainRef, user: string, flags: number): Promise<string[]>;
  /** Changes a guest user's authorized SSH keys (DomainAuthorizedSSHKeysSetFlags; 0 replaces them all). */
  domainAuthorizedSSHKeysSet?(dom: DomainRef, user: string, keys: readonly string[], flags: number): Promise<void>;
}

/** virDomainQemuAgentCommandTimeoutValues. */
export const DomainQemuAgentCommandTimeout = { BLOCK: -2, DEFAULT: -1, NOWAIT: 0, SHUTDOWN: 60 } as const;
/** virDomainSetUserPasswordFlags. */
export const DomainSetUserPasswordFlags = { ENCRYPTED: 1 } as const;
/** virDomainAuthorizedSSHKeysSetFlags. */
export const DomainAuthorizedSSHKeysSetFlags = { APPEND: 1, REMOVE: 2 } as const;
