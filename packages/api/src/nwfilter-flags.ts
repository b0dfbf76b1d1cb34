/* libvirt's constants for network filters and their bindings (libvirt-nwfilter.h), with libvirt's values. */

/** virNWFilterDefineFlags. */
export const NWFilterDefineFlags = { VALIDATE: 1 } as const;
/** virNWFilterBindingCreateFlags. */
export const NWFilterBindingCreateFlags = { VALIDATE: 1 } as const;
