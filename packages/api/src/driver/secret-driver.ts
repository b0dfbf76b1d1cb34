/** How a driver names a secret: what libvirt's virSecretPtr carries. */
export interface SecretRef {
  readonly uuid: string;
  /** SecretUsageType. */
  readonly usageType: number;
  readonly usageID: string;
}

/** A secret event as a driver raises it. */
export interface SecretDriverEvent {
  readonly secret: SecretRef;
  /** SecretEventID. */
  readonly eventID: number;
  /** SecretEventLifecycleType for LIFECYCLE events, 0 otherwise. */
  readonly event: number;
  readonly detail: number;
}

/**
 * Set in secretGetValue's flags when a driver (not a client) asks: the value of a private secret
 * may then be given. The public API sets it and refuses it from callers.
 */
export const SECRET_GET_VALUE_INTERNAL_CALL = 0x40000000;

/** Secret entry points (libvirt's virSecretDriver); every member optional, missing ones are NO_SUPPORT. */
export interface SecretDriver {
  /** Secrets matching ListSecretsFlags (0 for all). */
  connectListAllSecrets?(flags: number): Promise<SecretRef[]>;
  connectNumOfSecrets?(): Promise<number>;
  connectListSecrets?(maxuuids: number): Promise<string[]>;
  secretLookupByUUID?(uuid: string): Promise<SecretRef>;
  secretLookupByUsage?(usageType: number, usageID: string): Promise<SecretRef>;
  secretDefineXML?(xml: string, flags: number): Promise<SecretRef>;
  secretGetXMLDesc?(secret: SecretRef, flags: number): Promise<string>;
  secretSetValue?(secret: SecretRef, value: Uint8Array, flags: number): Promise<void>;
  secretGetValue?(secret: SecretRef, flags: number): Promise<Uint8Array>;
  secretUndefine?(secret: SecretRef): Promise<void>;
  /** Calls `listener` for each event `eventID` (of `secret` only, when given); the returned function stops it. */
  connectSecretEventRegisterAny?(secret: SecretRef | undefined, eventID: number, listener: (e: SecretDriverEvent) => void): Promise<() => void>;
}
