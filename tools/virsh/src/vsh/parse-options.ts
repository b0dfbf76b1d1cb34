import type { CommandSpec, OptDef } from './command-def.js';
import { ParsedCommand } from './parsed-command.js';
import { VshError } from './vsh-error.js';

function resolveAlias(def: CommandSpec, opt: OptDef): OptDef {
  if (opt.type !== 'alias') return opt;
  const targetName = opt.aliasOf?.split('=')[0];
  const target = def.options.find((o) => o.name === targetName);
  if (!target) throw new VshError(`command '${def.name}' has a broken alias --${opt.name}`);
  return target;
}

/** What option parsing tells its caller along the way. */
export interface ParseReport {
  /** Each option as it is assigned, for `-d`. */
  readonly trace?: (line: string) => void;
  /** An error virsh prints and parses on past (an option `help` was given twice). */
  readonly warn: (e: VshError) => void;
}

/**
 * Matches a command's words against its options as virsh does: `--name value`, `--name=value`,
 * booleans, positionals in order, `--` ending option parsing, `--help`, and virsh's messages for unknown
 * options, options given twice, missing values, unexpected data and missing required options.
 */
export function parseOptions(def: CommandSpec, words: readonly string[], report: ParseReport): ParsedCommand {
  const { trace } = report;
  const values = new Map<string, string | true | string[]>();
  // virsh 9.0 fills every option that takes a value, in order, from words given without a name.
  const positionals = def.options.filter((o) => o.type !== 'bool' && o.type !== 'alias' && !o.namedOnly);
  let dataOnly = false;
  let helpAsked = false;
  // virsh's `help` ignores words it has no place for and options it does not know.
  const lenient = def.name === 'help';

  const assign = (opt: OptDef, value: string | true): void => {
    trace?.(`${def.name}: ${opt.name}(${opt.type === 'bool' ? 'bool' : 'optdata'}): ${value === true ? '(none)' : value}`);
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
      // Every command answers `--help`, which turns it into `help CMD` once its words parse.
      if (name === 'help' && !def.options.some((o) => o.name === 'help')) {
        if (eq >= 0) throw new VshError(`invalid '=' after option --help`);
        helpAsked = true;
        continue;
      }
      const found = def.options.find((o) => o.name === name);
      if (!found && lenient) continue;
      if (!found) throw new VshError(`command '${def.name}' doesn't support option --${name}`);
      const opt = resolveAlias(def, found);
      // virsh refuses an option given twice by its name alone, before it looks for its value;
      // `help` reports it and goes on, its words after that left to fill what is still free.
      if (opt.type !== 'argv' && values.has(opt.name)) {
        const seen = new VshError(`option --${opt.name} already seen`);
        if (!lenient) throw seen;
        report.warn(seen);
        continue;
      }
      // An alias may stand for an option with its value (`--hi` is `--string=hello`).
      const implied = found.type === 'alias' ? /=(.*)$/s.exec(found.aliasOf ?? '')?.[1] : undefined;
      if (implied !== undefined) {
        assign(opt, implied);
        continue;
      }
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
    if (!next && lenient) continue;
    if (!next) throw new VshError(`unexpected data '${w}'`);
    assign(next, w);
  }

  if (helpAsked) return new ParsedCommand(def, values, true);
  // Every missing option is named, one line each; a data option is shown as <name>, others as --name.
  const missing = def.options.filter((o) => o.required && !values.has(o.name)).map((o) =>
    (o.positional && o.type === 'string') || o.type === 'argv'
      ? `command '${def.name}' requires <${o.name}> option`
      : `command '${def.name}' requires --${o.name} option`);
  if (missing.length > 0) throw new VshError(missing.join('\nerror: '));
  return new ParsedCommand(def, values);
}
