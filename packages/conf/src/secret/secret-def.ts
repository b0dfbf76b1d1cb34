/** libvirt's secret usage types, indexed by virSecretUsageType's value. */
export const SECRET_USAGE_TYPES = ['none', 'volume', 'ceph', 'iscsi', 'tls', 'vtpm'] as const;
export type SecretUsageName = (typeof SECRET_USAGE_TYPES)[number];

/** A secret's definition (libvirt's virSecretDef); its value is kept apart. */
export interface SecretDef {
  uuid: string;
  /** Kept only in memory, never written to disk. */
  readonly ephemeral: boolean;
  /** The value is never revealed to clients (only to the drivers that use it). */
  readonly isPrivate: boolean;
  readonly description?: string;
  readonly usageType: SecretUsageName;
  /** The volume path, ceph or tls or vtpm name, iSCSI target; '' for `none`. */
  readonly usageID: string;
}
