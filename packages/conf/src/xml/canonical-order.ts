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
export function canonicalOrder<T>(items: readonly T[], keyOf: (item: T) => string, table: readonly string[] | undefined): readonly T[] {
  if (!table || items.length < 2) return items;
  const ranks = ranksOf(table);
  const rankOf: number[] = new Array<number>(items.length);
  let carried = -1;
  let inOrder = true;
  for (let i = 0; i < items.length; i++) {
    const known = ranks.get(keyOf(items[i]!)) ?? -1;
    // Unknown items sit half a step after the last known item seen, ahead of the next known kind.
    const rank = known >= 0 ? known : carried + 0.5;
    if (known >= 0) carried = known;
    if (i > 0 && rank < rankOf[i - 1]!) inOrder = false;
    rankOf[i] = rank;
  }
  // Documents a driver formats again are in order already: nothing to sort or copy.
  if (inOrder) return items;
  const index = items.map((_, i) => i);
  index.sort((a, b) => rankOf[a]! - rankOf[b]! || a - b);
  return index.map((i) => items[i]!);
}
