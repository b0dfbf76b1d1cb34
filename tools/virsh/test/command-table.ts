import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandDef, CommandEntry } from '../src/vsh/command-def.js';
import { groupsInVirshOrder } from '../src/commands/shared/command-groups.js';

/** Where the command modules live: one folder per virsh group. */
export const COMMANDS_DIR = join(import.meta.dirname, '../src/commands');

const isCommand = (v: unknown): v is CommandDef =>
  typeof v === 'object' && v !== null && typeof (v as CommandDef).name === 'string' &&
  Array.isArray((v as CommandDef).options) && typeof (v as CommandDef).run === 'function';

/** Every CommandDef exported by a module in a group folder, with the module and name it is under. */
async function commandEntries(): Promise<{ modules: string[]; entries: CommandEntry[] }> {
  const modules: string[] = [];
  const entries: CommandEntry[] = [];
  const seen = new Map<string, string>();
  for (const dir of readdirSync(COMMANDS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const file of readdirSync(join(COMMANDS_DIR, dir)).filter((f) => f.endsWith('.ts')).sort()) {
      const module = `${dir}/${file.slice(0, -'.ts'.length)}`;
      const exported = Object.entries(await import(join(COMMANDS_DIR, dir, file)) as Record<string, unknown>);
      const defs = exported.filter(([, v]) => isCommand(v)) as Array<[string, CommandDef]>;
      if (defs.length > 0) modules.push(module);
      for (const [exportName, def] of defs) {
        const spec = Object.fromEntries(Object.entries(def).filter(([k]) => k !== 'run')) as Omit<CommandDef, 'run'>;
        const where = `${module}#${exportName}`;
        if (seen.has(spec.name)) throw new Error(`command ${spec.name} exported twice: ${seen.get(spec.name)} and ${where}`);
        seen.set(spec.name, where);
        entries.push({ ...spec, module, export: exportName });
      }
    }
  }
  return { modules, entries };
}

/** The text of `src/commands/table.ts`: the light command table and a lazy loader per module. */
export async function renderCommandTable(): Promise<string> {
  const { modules, entries } = await commandEntries();
  const groups = groupsInVirshOrder(entries);
  const lines = [
    '// Generated from the command modules by `pnpm --filter @tsvirt/virsh commands`; do not edit.',
    "import type { CommandEntry, CommandGroup } from '../vsh/command-def.js';",
    '',
    '/** Each module that implements commands, imported only when one of its commands runs. */',
    'export const COMMAND_MODULES = {',
    ...modules.map((m) => `  '${m}': () => import('./${m}.js'),`),
    '} as const;',
    '',
    "/** virsh's groups, with the names of their commands in the order `virsh help` lists them. */",
    'export const COMMAND_GROUPS: readonly CommandGroup<string>[] = [',
    ...groups.map((g) => `  { name: ${JSON.stringify(g.name)}, keyword: ${JSON.stringify(g.keyword)}, commands: ${JSON.stringify(g.commands.map((c) => c.name))} },`),
    '];',
    '',
    '/**',
    " * Each command's entry (help texts, options, module), made when the command is first looked up:",
    " * V8 compiles a function when it first runs, so a start neither builds nor compiles the others.",
    ' */',
    'export const COMMAND_SPECS: Readonly<Record<string, () => CommandEntry>> = {',
    ...groups.flatMap((g) => g.commands).map((c) => `  '${c.name}': () => (${JSON.stringify(c)}),`),
    '};',
    '',
  ];
  return lines.join('\n');
}
