const RANKS = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/** Each name's place in an order table, looked up once per table rather than searched per item. */
function ranksOf(table: readonly string[]): ReadonlyMap<string, number> {
  let ranks = RANKS.get(table);
  if (!ranks) {
    ranks = new Map(table.map((name, i) => [name, i]));
    RANKS.set(table, ranks);
  }
  return ranks;
}

/**
 * Sorts items into the order of `table`, stably. An item whose key is not in the table keeps its
 * place right after the known item that preceded it in the input, so nothing moves away from its
 * neighbours except what libvirt itself reorders.
 */
export function canonicalOrder<T>(items: readonly T[], keyOf: (item: T) => string, table: readonly string[] | undefined): T[] {
  if (!table || items.length < 2) return [...items];
  const ranks = ranksOf(table);
  let carried = -1;
  const ranked = items.map((item, i) => {
    const known = ranks.get(keyOf(item)) ?? -1;
    // Unknown items sit half a step after the last known item seen, ahead of the next known kind.
    const rank = known >= 0 ? known : carried + 0.5;
    if (known >= 0) carried = known;
    return { item, rank, i };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
  return ranked.map((r) => r.item);
}
