import type { CommandSpec } from './command-def.js';

/** Where completion finds its words: the command table and, for object options, the objects' names. */
export interface CompletionSource {
  /** Every command name. */
  readonly commands: readonly string[];
  /** The table entry of a command, if it is one. */
  find(name: string): CommandSpec | undefined;
  /** The names an option's value may take (domain names for `domain`, ...); none when unknown. */
  values(option: string): Promise<readonly string[]>;
}

/** The option a bare word in this place fills: the next positional one not given by name yet. */
function positionalFor(spec: CommandSpec, words: readonly string[]): string | undefined {
  const named = new Set(words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')[0]));
  const bare = words.filter((w, i) => !w.startsWith('-') && !(i > 0 && valueOption(spec, words[i - 1]!) !== undefined)).length;
  return spec.options.filter((o) => o.positional && !named.has(o.name))[bare]?.name;
}

/** The option whose value follows `word` (`--domain` takes one, `--live` does not). */
function valueOption(spec: CommandSpec, word: string): string | undefined {
  if (!word.startsWith('--') || word.includes('=')) return undefined;
  const opt = spec.options.find((o) => o.name === word.slice(2));
  return opt && opt.type !== 'bool' && opt.type !== 'alias' ? opt.name : undefined;
}

/**
 * virsh's Tab completion of the last word of a line (readline's completer contract: the
 * candidates and the part of the line they replace): a command name first, then the command's
 * options, and for an option naming an object (a domain, ...) the objects' names.
 */
export async function complete(line: string, source: CompletionSource): Promise<[string[], string]> {
  const current = line.slice(line.lastIndexOf(';') + 1);
  const words = current.trimStart().split(/\s+/);
  const word = words.pop() ?? '';
  const pick = (candidates: readonly string[]): [string[], string] => [candidates.filter((c) => c.startsWith(word)).map((c) => `${c} `), word];
  if (words.length === 0) return pick(source.commands);
  const spec = source.find(words[0]!);
  if (!spec) return [[], word];
  const given = words.slice(1);
  if (word.startsWith('-')) {
    const used = new Set(given.map((w) => w.slice(2)));
    return pick(spec.options.filter((o) => o.type !== 'alias' && !o.hidden && (o.type === 'argv' || !used.has(o.name))).map((o) => `--${o.name}`));
  }
  const last = given.at(-1);
  const option = (last === undefined ? undefined : valueOption(spec, last)) ?? positionalFor(spec, given);
  return option === undefined ? [[], word] : pick(await source.values(option));
}
