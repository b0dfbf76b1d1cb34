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
