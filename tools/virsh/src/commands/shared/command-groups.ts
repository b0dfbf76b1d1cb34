import type { CommandGroup, CommandSpec } from '../../vsh/command-def.js';
import { VIRSH_GROUP_ORDER } from './virsh-group-order.js';

/** tsvirsh's own commands, which virsh lacks, with the keyword of the group they are listed in. */
export const TSVIRSH_COMMANDS: ReadonlyMap<string, string> = new Map([['shared-disk-list', 'monitor']]);

/**
 * virsh's groups with the commands tsvirsh has, each in the place `virsh help` gives it (its
 * declaration order, not sorted); tsvirsh's own commands follow virsh's in their group.
 * A command in neither table would be a typo in its name: it is refused here.
 */
export function groupsInVirshOrder<C extends CommandSpec>(commands: readonly C[]): CommandGroup<C>[] {
  const byName = new Map(commands.map((c) => [c.name, c]));
  const known = new Set(VIRSH_GROUP_ORDER.flatMap((g) => g.commands));
  const unknown = commands.filter((c) => !known.has(c.name) && !TSVIRSH_COMMANDS.has(c.name)).map((c) => c.name);
  if (unknown.length > 0) throw new Error(`not virsh commands: ${unknown.join(', ')}`);
  const own = (keyword: string): C[] => commands.filter((c) => TSVIRSH_COMMANDS.get(c.name) === keyword);
  return VIRSH_GROUP_ORDER.map((g) => ({
    name: g.name,
    keyword: g.keyword,
    commands: [...g.commands.flatMap((n) => byName.get(n) ?? []), ...own(g.keyword)],
  })).filter((g) => g.commands.length > 0);
}
