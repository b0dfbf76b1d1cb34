/**
 * `items.map(fn)`, always as a packed array. V8's optimised `Array#map` makes a holey array where
 * its interpreter makes a packed one, so every reader of such a list (the devices, an element's
 * children) meets a new array map once the producer is optimised, is deoptimised ("wrong map") and
 * compiled again; recompiling is most of what TurboFan costs a short run, and TurboFan is about
 * half of its CPU. Pushing onto `[]` gives packed arrays in every tier.
 */
export function mapPacked<T, U>(items: readonly T[], fn: (item: T, index: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) out.push(fn(items[i]!, i));
  return out;
}
