/* libvirt's constants for domain backups (libvirt-domain.h), with libvirt's values. */

/** virDomainBackupBeginFlags. */
export const DomainBackupBeginFlags = { REUSE_EXTERNAL: 1 } as const;
