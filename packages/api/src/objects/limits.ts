/** How many names a list call returns when the caller gives no limit: C's INT_MAX, as the bindings pass. */
export const MAX_LIST = 0x7fffffff;
