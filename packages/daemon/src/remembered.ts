/**
 * `fn` remembered per argument, for a pure function of what clients send whose distinct values are
 * few (the URIs they open): past `limit` arguments all are forgotten at once, so a client sending
 * endless new ones cannot grow it. A call that throws is not remembered.
 */
export function remembered<A, R>(fn: (a: A) => R, limit = 256): (a: A) => R {
  const known = new Map<A, R>();
  return (a) => {
    if (known.has(a)) return known.get(a) as R;
    const r = fn(a);
    if (known.size >= limit) known.clear();
    known.set(a, r);
    return r;
  };
}
