import type { CommandDef, OptDef } from './command-def.js';
import { ParsedCommand } from './parsed-command.js';
import { VshError } from './vsh-error.js';

function resolveAlias(def: CommandDef, opt: OptDef): OptDef {
  if (opt.type !== 'alias') return opt;
  const target = def.options.find((o) => o.name === opt.aliasOf);
  if (!target) throw new VshError(`command '${def.name}' has a broken alias --${opt.name}`);
  return target;
}

/**
 * Matches a command's words against its options as virsh does: `--name value`, `--name=value`,
 * booleans, positionals in order, `--` ending option parsing, and virsh's messages for unknown
 * options, missing values, unexpected data and missing required options.
 */
export function parseOptions(def: CommandDef, words: readonly string[]): ParsedCommand {
  const values = new Map<string, string | true | string[]>();
  const positionals = def.options.filter((o) => o.positional || o.type === 'argv');
  let dataOnly = false;

  const assign = (opt: OptDef, value: string | true): void => {
    if (opt.type === 'argv') {
      const list = (values.get(opt.name) as string[] | undefined) ?? [];
      list.push(value as string);
      values.set(opt.name, list);
      return;
    }
    if (values.has(opt.name)) throw new VshError(`option --${opt.name} already seen`);
    values.set(opt.name, value);
  };

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!dataOnly && w === '--') {
      dataOnly = true;
      continue;
    }
    if (!dataOnly && w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const found = def.options.find((o) => o.name === name);
      if (!found) throw new VshError(`command '${def.name}' doesn't support option --${name}`);
      const opt = resolveAlias(def, found);
      if (opt.type === 'bool') {
        if (eq >= 0) throw new VshError(`invalid '=' after option --${opt.name}`);
        assign(opt, true);
      } else if (eq >= 0) {
        assign(opt, w.slice(eq + 1));
      } else {
        if (i + 1 >= words.length) throw new VshError(`expected syntax: --${opt.name} <${opt.type === 'int' ? 'number' : 'string'}>`);
        assign(opt, words[++i]!);
      }
      continue;
    }
    const next = positionals.find((o) => o.type === 'argv' || !values.has(o.name));
    if (!next) throw new VshError(`unexpected data '${w}'`);
    assign(next, w);
  }

  for (const opt of def.options) {
    if (opt.required && !values.has(opt.name)) {
      throw new VshError(opt.positional
        ? `command '${def.name}' requires <${opt.name}> option`
        : `command '${def.name}' requires --${opt.name} option`);
    }
  }
  return new ParsedCommand(def, values);
}
