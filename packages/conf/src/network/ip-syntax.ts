/**
 * Node's address syntax checks, from `node:net` loaded on first use: importing conf should not
 * load Node's socket modules (1.6 MiB and milliseconds of compiling) for a process that reads no
 * address.
 */
let net: typeof import('node:net') | undefined;
const loaded = (): typeof import('node:net') => (net ??= process.getBuiltinModule('node:net'));

/** Whether `s` is a dotted IPv4 address, as `net.isIPv4` says. */
export const isIPv4 = (s: string): boolean => loaded().isIPv4(s);

/** Whether `s` is an IPv6 address, as `net.isIPv6` says. */
export const isIPv6 = (s: string): boolean => loaded().isIPv6(s);
