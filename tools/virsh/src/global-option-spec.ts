/**
 * virsh 9.0's global options as its getopt reads them: the option string (after `+:`) and the long
 * options that require a value (`name=short`). A module of its own, importing nothing, so that the
 * launcher (src/main-cache.ts) skips the same options that global-options.ts parses.
 */
export const GLOBAL_SHORT = 'c:d:e:hk:K:l:qrtvV';
export const GLOBAL_LONG_REQUIRED = 'connect=c debug=d escape=e keepalive-interval=k keepalive-count=K log=l';
