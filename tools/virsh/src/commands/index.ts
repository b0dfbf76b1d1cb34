import type { CommandDef, CommandEntry, CommandGroup } from '../vsh/command-def.js';
import { COMMAND_GROUPS, COMMAND_MODULES, COMMAND_SPECS } from './table.js';

const ENTRIES = new Map<string, CommandEntry>();

/** A command's table entry: enough to parse its options and print its help. */
export function findCommand(name: string): CommandEntry | undefined {
  let entry = ENTRIES.get(name);
  if (entry === undefined && Object.hasOwn(COMMAND_SPECS, name)) {
    entry = COMMAND_SPECS[name]!();
    ENTRIES.set(name, entry);
  }
  return entry;
}

/** Every command's name, in the order `virsh help` lists them. */
export function commandNames(): string[] {
  return COMMAND_GROUPS.flatMap((g) => g.commands);
}

/** A group with its commands' entries. */
const withEntries = (g: CommandGroup<string>): CommandGroup =>
  ({ name: g.name, keyword: g.keyword, commands: g.commands.map((name) => findCommand(name)!) });

/** Every command, in virsh's groups and in the order `virsh help` lists them. */
export function commandGroups(): readonly CommandGroup[] {
  return COMMAND_GROUPS.map(withEntries);
}

/** The group `help GROUP` names, by its keyword or its name. */
export function findGroup(what: string): CommandGroup | undefined {
  const group = COMMAND_GROUPS.find((g) => g.keyword === what || g.name === what);
  return group && withEntries(group);
}

const LOADED = new Map<string, CommandDef>();

/** A command whose module is imported already. */
export function loadedCommand(name: string): CommandDef | undefined {
  return LOADED.get(name);
}

/** Imports the module that implements a command (the first time one of its commands runs). */
export async function loadCommand(name: string): Promise<CommandDef> {
  const loaded = LOADED.get(name);
  if (loaded) return loaded;
  const entry = findCommand(name);
  if (!entry) throw new Error(`no command ${name}`);
  const load = COMMAND_MODULES[entry.module as keyof typeof COMMAND_MODULES];
  const def = ((await load()) as Record<string, CommandDef | undefined>)[entry.export];
  if (!def) throw new Error(`command table out of date: ${entry.module} exports no ${entry.export}`);
  LOADED.set(name, def);
  return def;
}
