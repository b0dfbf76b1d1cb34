import { mapPacked } from '../packed.js';

const RANKS = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/** Each name's place in an order table, looked up once per table rather than searched per item. */
export function ranksOf(table: readonly string[]): ReadonlyMap<string, number> {
  let ranks = RANKS.get(table);
  if (!ranks) {
    ranks = new Map(table.map((name, i) => [name, i]));
    RANKS.set(table, ranks);
  }
  return ranks;
}

/**
 * A known item's place is twice its rank; an unknown one sits one after the last known item seen,
 * ahead of the next known kind. Integers both, and both sums made for every item: a first double,
 * or a first sum made only when the first unknown item comes, would deoptimise the optimised
 * formatter that inlines this.
 */
function placeOf(known: number, carried: number): number {
  const unknown = 2 * carried + 1;
  const place = 2 * known;
  return known >= 0 ? place : unknown;
}

/**
 * Sorts items into the order of `ranks` (an order table's, from `ranksOf`), stably. An item whose
 * key is not in the table keeps its place right after the known item that preceded it in the
 * input, so nothing moves away from its neighbours except what libvirt itself reorders.
 */
export function canonicalOrder<T>(items: readonly T[], keyOf: (item: T) => string, ranks: ReadonlyMap<string, number> | undefined): readonly T[] {
  if (!ranks || items.length < 2) return items;
  // Documents a driver formats again are in order already: that is seen without allocating anything.
  let carried = -1;
  let last = -1;
  for (let i = 0; i < items.length; i++) {
    const known = ranks.get(keyOf(items[i]!)) ?? -1;
    const rank = placeOf(known, carried);
    if (known >= 0) carried = known;
    if (rank < last) return sorted(items, keyOf, ranks);
    last = rank;
  }
  return items;
}

function sorted<T>(items: readonly T[], keyOf: (item: T) => string, ranks: ReadonlyMap<string, number>): readonly T[] {
  const rankOf: number[] = new Array<number>(items.length);
  let carried = -1;
  for (let i = 0; i < items.length; i++) {
    const known = ranks.get(keyOf(items[i]!)) ?? -1;
    rankOf[i] = placeOf(known, carried);
    if (known >= 0) carried = known;
  }
  const index = items.map((_, i) => i);
  index.sort((a, b) => rankOf[a]! - rankOf[b]! || a - b);
  return mapPacked(index, (i) => items[i]!);
}
