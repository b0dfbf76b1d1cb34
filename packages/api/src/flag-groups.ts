/** One flag of a listing filter group and whether the object at hand has that property. */
export type FlagCheck = readonly [bit: number, holds: boolean];

/**
 * libvirt's rule for the filter flags of its ListAll calls: a group none of whose bits is set in
 * `flags` lets everything through, otherwise one of its set bits must hold; every group must pass.
 */
export function matchesFlagGroups(flags: number, groups: ReadonlyArray<readonly FlagCheck[]>): boolean {
  return groups.every((checks) => {
    const mask = checks.reduce((m, [bit]) => m | bit, 0);
    return !(flags & mask) || checks.some(([bit, holds]) => (flags & bit) !== 0 && holds);
  });
}

/** One flag of a filter group and the property of an object it selects. */
export type FlagTest<T> = readonly [bit: number, holds: (x: T) => boolean];

/**
 * matchesFlagGroups' rule as a filter made once from its groups: a listing tests every object
 * without building the groups' arrays again for each (a listing per command in a script).
 */
export function flagFilter<T>(groups: ReadonlyArray<ReadonlyArray<FlagTest<T>>>): (x: T, flags: number) => boolean {
  const masks = groups.map((tests) => tests.reduce((m, [bit]) => m | bit, 0));
  return (x, flags) => {
    for (let g = 0; g < groups.length; g++) {
      if (!(flags & masks[g]!)) continue;
      const tests = groups[g]!;
      let pass = false;
      for (let t = 0; t < tests.length && !pass; t++) pass = (flags & tests[t]![0]) !== 0 && tests[t]![1](x);
      if (!pass) return false;
    }
    return true;
  };
}
