import type { CommandDef, CommandGroup, CommandSpec, OptDef } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { TSVIRSH_COMMANDS } from '../shared/command-groups.js';

/** virsh names an optional argv option (`[--set] <string>`) when a positional option comes before it, as in schedinfo, not echo. */
function argvNamed(o: OptDef, i: number, all: readonly OptDef[]): boolean {
  return o.required === true || all.slice(0, i).some((p) => p.positional);
}

function synopsisPart(o: OptDef, i: number, all: readonly OptDef[]): string {
  const value = o.type === 'int' ? '<number>' : '<string>';
  if (o.type === 'bool') return `[--${o.name}]`;
  if (o.type === 'argv') {
    if (o.required) return `{[--${o.name}] <string>}...`;
    return argvNamed(o, i, all) ? `[[--${o.name}] <string>]...` : `[<${o.name}>]...`;
  }
  if (o.positional && o.required) return `<${o.name}>`;
  if (o.positional && !o.helpAsNamed) return `[<${o.name}>]`;
  return o.required ? `--${o.name} ${value}` : `[--${o.name} ${value}]`;
}

function optionLabel(o: OptDef, i: number, all: readonly OptDef[]): string {
  const value = o.type === 'int' ? '<number>' : '<string>';
  if (o.type === 'bool') return `--${o.name}`;
  if (o.type === 'argv') return argvNamed(o, i, all) ? `[--${o.name}] <string>` : `<${o.name}>`;
  return o.positional && !o.helpAsNamed ? `[--${o.name}] ${value}` : `--${o.name} ${value}`;
}

/** One command's help page, laid out as virsh lays it out. */
export function commandHelp(def: CommandSpec): string {
  const opts = def.options.filter((o) => o.type !== 'alias' && !o.hidden);
  let out = `  NAME\n    ${def.name} - ${def.help}\n\n  SYNOPSIS\n    ${[def.name, ...opts.map((o, i) => synopsisPart(o, i, opts))].join(' ')}\n\n`;
  if (def.desc) out += `  DESCRIPTION\n    ${def.desc}\n\n`;
  if (opts.length > 0) {
    out += '  OPTIONS\n';
    opts.forEach((o, i) => {
      out += `    ${optionLabel(o, i, opts).padEnd(15)}  ${o.help}\n`;
    });
    out += '\n';
  }
  return out;
}

/**
 * A group's commands, under its name: `help` ends the heading with a colon, `virsh -h` does not.
 * tsvirsh's own commands (TSVIRSH_COMMANDS) are left out unless `own`, so that virsh's listings
 * stay byte for byte; `help NAME` still shows each one's page.
 */
export function groupHelp(g: CommandGroup<CommandSpec>, colon = ':', own = false): string {
  let out = ` ${g.name} (help keyword '${g.keyword}')${colon}\n`;
  for (const c of g.commands) if (own || !TSVIRSH_COMMANDS.has(c.name)) out += `    ${c.name.padEnd(30)} ${c.help}\n`;
  return out;
}

/** `help`, over the command table (imported when it runs: the table lists `help` too). */
export const help: CommandDef = {
  name: 'help',
  group: 'virsh',
  help: 'print help',
  desc: 'Prints global help, command specific help, or help for a\n    group of related commands',
  noConnect: true,
  options: [{
    name: 'command', type: 'string', positional: true, helpAsNamed: true,
    help: 'Prints global help, command specific help, or help for a group of related commands',
  }],
  async run(ctl, cmd) {
    const { commandGroups, findCommand, findGroup } = await import('../index.js');
    const what = cmd.string('command');
    if (what === undefined) {
      ctl.print('Grouped commands:\n\n');
      for (const g of commandGroups()) ctl.print(`${groupHelp(g)}\n`);
      return true;
    }
    const group = findGroup(what);
    if (group) {
      ctl.print(groupHelp(group));
      return true;
    }
    const def = findCommand(what);
    if (!def) throw new VshError(`command or command group '${what}' doesn't exist`);
    ctl.print(commandHelp(def));
    return true;
  },
};
