/** How an option takes its value (getopt_long's `has_arg`). */
export type ArgKind = 'none' | 'required' | 'optional';

/** A long option (getopt_long's `struct option`): its name, how it takes a value, the letter it returns. */
export interface LongOption {
  readonly name: string;
  readonly arg: ArgKind;
  /** What getopt reports for it: the short option it stands for, or a name of its own. */
  readonly val: string;
}

/**
 * A table of long options written compactly: for each way of taking a value, `name=val` pairs
 * separated by blanks (`{ required: 'connect=c debug=d', none: 'help=h' }`).
 */
export function longOptions(spec: Partial<Readonly<Record<ArgKind, string>>>): LongOption[] {
  return Object.entries(spec).flatMap(([arg, list]) => list.split(/\s+/).filter(Boolean).map((pair) => {
    const [name, val] = pair.split('=') as [string, string];
    return { name, arg: arg as ArgKind, val };
  }));
}

/** One step of getopt_long. */
export type GetoptItem =
  /** An option found; `long` when it was given by its long name (virsh words some errors by it). */
  | { readonly kind: 'option'; readonly opt: string; readonly value: string | undefined; readonly long: boolean }
  /** getopt's `:`: the option needs a value and the words ran out. */
  | { readonly kind: 'missing'; readonly opt: string }
  /**
   * getopt's `?`: an unknown letter, a long option given a value it does not take (both shown
   * as `-X`, the letter), or an unknown or ambiguous long name (shown as the whole word).
   */
  | { readonly kind: 'unsupported'; readonly shown: string };

/**
 * glibc's getopt_long as virsh calls it, with `+:` leading its option string: options end at the
 * first word that is not one (or after `--`), a missing value is reported apart from an unknown
 * option, and nothing is printed. Short options cluster (`-qrc URI`) and take their value from the
 * rest of the word or the next word, whatever it starts with; long names may be shortened to any
 * unambiguous prefix and take `=value`, or the next word when the value is required.
 */
export class Getopt {
  /** The index of the next word to read: once next() gives undefined, the first word after the options. */
  optind = 0;
  /** The letters of a short-option word not read yet. */
  #cluster = '';

  constructor(
    private readonly argv: readonly string[],
    /** getopt's option string without its leading `+:` (`c:d:hq`: a colon after a letter that takes a value). */
    private readonly shortopts: string,
    private readonly longopts: readonly LongOption[],
  ) {}

  next(): GetoptItem | undefined {
    if (this.#cluster === '') {
      const word = this.argv[this.optind];
      if (word === undefined || word === '-' || !word.startsWith('-')) return undefined;
      this.optind++;
      if (word === '--') return undefined;
      if (word.startsWith('--')) return this.#long(word);
      this.#cluster = word.slice(1);
    }
    const opt = this.#cluster[0]!;
    this.#cluster = this.#cluster.slice(1);
    const at = opt === ':' ? -1 : this.shortopts.indexOf(opt);
    if (at < 0) return { kind: 'unsupported', shown: `-${opt}` };
    if (this.shortopts[at + 1] !== ':') return { kind: 'option', opt, value: undefined, long: false };
    if (this.#cluster !== '') {
      const value = this.#cluster;
      this.#cluster = '';
      return { kind: 'option', opt, value, long: false };
    }
    return this.#following(opt, false);
  }

  #long(word: string): GetoptItem {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
    const found = this.longopts.find((o) => o.name === name) ?? this.#abbreviated(name);
    if (!found) return { kind: 'unsupported', shown: word };
    const value = eq < 0 ? undefined : word.slice(eq + 1);
    if (found.arg === 'none' && value !== undefined) return { kind: 'unsupported', shown: `-${found.val}` };
    if (found.arg === 'required' && value === undefined) return this.#following(found.val, true);
    return { kind: 'option', opt: found.val, value, long: true };
  }

  /** The option a shortened name stands for: the options it begins must all be one (glibc's test). */
  #abbreviated(prefix: string): LongOption | undefined {
    const [first, ...others] = this.longopts.filter((o) => o.name.startsWith(prefix));
    return first && others.every((o) => o.val === first.val && o.arg === first.arg) ? first : undefined;
  }

  /** A value taken from the next word. */
  #following(opt: string, long: boolean): GetoptItem {
    if (this.optind >= this.argv.length) return { kind: 'missing', opt };
    return { kind: 'option', opt, value: this.argv[this.optind++], long };
  }
}
