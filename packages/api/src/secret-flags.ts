/* libvirt's constants for secrets (libvirt-secret.h), with libvirt's values. */

/** virSecretUsageType. */
export const SecretUsageType = { NONE: 0, VOLUME: 1, CEPH: 2, ISCSI: 3, TLS: 4, VTPM: 5 } as const;
/** virConnectListAllSecretsFlags. */
export const ListSecretsFlags = { EPHEMERAL: 1, NO_EPHEMERAL: 2, PRIVATE: 4, NO_PRIVATE: 8 } as const;
/** virSecretDefineFlags. */
export const SecretDefineFlags = { VALIDATE: 1 } as const;
/** virSecretEventID. */
export const SecretEventID = { LIFECYCLE: 0, VALUE_CHANGED: 1 } as const;
/** virSecretEventLifecycleType. */
export const SecretEventLifecycleType = { DEFINED: 0, UNDEFINED: 1 } as const;
