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

/** What parsing needs of a command's options beyond their list, worked out once per command. */
interface OptionShape {
  /** virsh 9.0 fills every option that takes a value, in order, from words given without a name. */
  readonly positionals: readonly OptDef[];
  readonly required: readonly OptDef[];
  /** The command has an option of its own named `help` (otherwise `--help` asks for its help). */
  readonly ownHelp: boolean;
}

// A script runs the same few commands again and again: their shapes are kept, not rebuilt per line.
const SHAPES = new WeakMap<CommandSpec, OptionShape>();

function shapeOf(def: CommandSpec): OptionShape {
  let shape = SHAPES.get(def);
  if (!shape) {
    shape = {
      positionals: def.options.filter((o) => o.type !== 'bool' && o.type !== 'alias' && !o.namedOnly),
      required: def.options.filter((o) => o.required),
      ownHelp: def.options.some((o) => o.name === 'help'),
    };
    SHAPES.set(def, shape);
  }
  return shape;
}

/** What option parsing tells its caller along the way. */
export interface ParseReport {
  /** Each option as it is assigned, for `-d`. */
  readonly trace?: (line: string) => void;
  /** An error virsh prints and parses on past (an option `help` was given twice). */
  readonly warn: (e: VshError) => void;
}

type Values = Map<string, string | true | string[]>;

function assign(def: CommandSpec, values: Values, opt: OptDef, value: string | true, trace: ParseReport['trace']): void {
  trace?.(`${def.name}: ${opt.name}(${opt.type === 'bool' ? 'bool' : 'optdata'}): ${value === true ? '(none)' : value}`);
  if (opt.type === 'argv') {
    const list = values.get(opt.name) as string[] | undefined;
    if (list) list.push(value as string);
    else values.set(opt.name, [value as string]);
    return;
  }
  if (values.has(opt.name)) throw new VshError(`option --${opt.name} already seen`);
  values.set(opt.name, value);
}

/** Every missing required option named, one line each; a data option is shown as <name>, others as --name. */
function checkRequired(def: CommandSpec, required: readonly OptDef[], values: Values): void {
  const missing = required.filter((o) => !values.has(o.name));
  if (missing.length === 0) return;
  throw new VshError(missing.map((o) =>
    (o.positional && o.type === 'string') || o.type === 'argv'
      ? `command '${def.name}' requires <${o.name}> option`
      : `command '${def.name}' requires --${o.name} option`).join('\nerror: '));
}

/**
 * Matches a command's words against its options as virsh does: `--name value`, `--name=value`,
 * booleans, positionals in order, `--` ending option parsing, `--help`, and virsh's messages for unknown
 * options, options given twice, missing values, unexpected data and missing required options.
 */
export function parseOptions(def: CommandSpec, words: readonly string[], report: ParseReport): ParsedCommand {
  const { trace } = report;
  const values: Values = new Map();
  const shape = shapeOf(def);
  let dataOnly = false;
  let helpAsked = false;
  // virsh's `help` ignores words it has no place for and options it does not know.
  const lenient = def.name === 'help';

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
      if (name === 'help' && !shape.ownHelp) {
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
        assign(def, values, opt, implied, trace);
        continue;
      }
      if (opt.type === 'bool') {
        if (eq >= 0) throw new VshError(`invalid '=' after option --${opt.name}`);
        assign(def, values, opt, true, trace);
      } else if (eq >= 0) {
        assign(def, values, opt, w.slice(eq + 1), trace);
      } else {
        if (i + 1 >= words.length) throw new VshError(`expected syntax: --${opt.name} <${opt.type === 'int' ? 'number' : 'string'}>`);
        assign(def, values, opt, words[++i]!, trace);
      }
      continue;
    }
    const next = shape.positionals.find((o) => o.type === 'argv' || !values.has(o.name));
    if (!next && lenient) continue;
    if (!next) throw new VshError(`unexpected data '${w}'`);
    assign(def, values, next, w, trace);
  }

  if (helpAsked) return new ParsedCommand(def, values, true);
  checkRequired(def, shape.required, values);
  return new ParsedCommand(def, values);
}
