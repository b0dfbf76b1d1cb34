import type { CommandDef, CommandEntry, CommandGroup } from '../vsh/command-def.js';
import { COMMAND_MODULES, COMMAND_GROUPS } from './table.js';

/** Every command, in virsh's groups and in the order `virsh help` lists them. */
export const GROUPS: readonly CommandGroup[] = COMMAND_GROUPS;

const COMMANDS = new Map(GROUPS.flatMap((g) => g.commands).map((c) => [c.name, c]));

/** A command's table entry: enough to parse its options and print its help. */
export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.get(name);
}

const LOADED = new Map<string, CommandDef>();

/** Imports the module that implements a command (the first time one of its commands runs). */
export async function loadCommand(name: string): Promise<CommandDef> {
  const loaded = LOADED.get(name);
  if (loaded) return loaded;
  const entry = COMMANDS.get(name);
  if (!entry) throw new Error(`no command ${name}`);
  const load = COMMAND_MODULES[entry.module as keyof typeof COMMAND_MODULES];
  const def = ((await load()) as Record<string, CommandDef | undefined>)[entry.export];
  if (!def) throw new Error(`command table out of date: ${entry.module} exports no ${entry.export}`);
  LOADED.set(name, def);
  return def;
}
