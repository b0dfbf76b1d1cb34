/** A device's QEMU id as libvirt gives it: the user alias (`ua-…`) when it has one, else the id the driver numbers. */
export const idOf = (alias: string | undefined, numbered: string): string => (alias?.startsWith('ua-') ? alias : numbered);
