import type { CommandDef, CommandGroup } from '../vsh/command-def.js';
import { VIRSH_GROUP_ORDER } from './virsh-group-order.js';

/**
 * virsh's groups with the commands tsvirsh has, each in the place `virsh help` gives it (its
 * declaration order, not sorted); tsvirsh's own commands follow virsh's in the group named.
 * A command missing from virsh's table would be a typo in its name: it is refused here.
 */
export function groupsInVirshOrder(
  commands: readonly CommandDef[], extra: Readonly<Record<string, readonly CommandDef[]>>,
): CommandGroup[] {
  const byName = new Map(commands.map((c) => [c.name, c]));
  const known = new Set(VIRSH_GROUP_ORDER.flatMap((g) => g.commands));
  const unknown = commands.filter((c) => !known.has(c.name)).map((c) => c.name);
  if (unknown.length > 0) throw new Error(`not virsh commands: ${unknown.join(', ')}`);
  return VIRSH_GROUP_ORDER.map((g) => ({
    name: g.name,
    keyword: g.keyword,
    commands: [...g.commands.flatMap((n) => byName.get(n) ?? []), ...(extra[g.keyword] ?? [])],
  })).filter((g) => g.commands.length > 0);
}
