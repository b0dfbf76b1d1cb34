/**
 * Sorts items into the order of `table`, stably. An item whose key is not in the table keeps its
 * place right after the known item that preceded it in the input, so nothing moves away from its
 * neighbours except what libvirt itself reorders.
 */
export function canonicalOrder<T>(items: readonly T[], keyOf: (item: T) => string, table: readonly string[] | undefined): T[] {
  if (!table || items.length < 2) return [...items];
  let carried = -1;
  const ranked = items.map((item, i) => {
    const known = table.indexOf(keyOf(item));
    // Unknown items sit half a step after the last known item seen, ahead of the next known kind.
    const rank = known >= 0 ? known : carried + 0.5;
    if (known >= 0) carried = known;
    return { item, rank, i };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
  return ranked.map((r) => r.item);
}
