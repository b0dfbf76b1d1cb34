import { GLOBAL_LONG_REQUIRED, GLOBAL_SHORT } from './global-option-spec.js';
import { Getopt, longOptions } from './vsh/getopt.js';
import { DebugLevel } from './vsh/ctl.js';

/** The global options that set up the run, as virsh's vshControl keeps them. */
export interface GlobalSettings {
  /** `-c`: the URI to connect to before the first command. */
  readonly connect: string | undefined;
  readonly debug: DebugLevel;
  /** `-k` seconds, or virsh's default 5 when only `-K` asked for keepalive; undefined when neither did. */
  readonly keepaliveInterval: number | undefined;
  readonly quiet: boolean;
  readonly readonly: boolean;
  readonly timing: boolean;
  /** tsvirsh's `--json`. */
  readonly json: boolean;
}

/**
 * What the global options ask for, and the error lines virsh printed while it read them (it goes
 * on past a debug level out of range). `fail` ends with the line that stopped it; `help`,
 * `version` and `long-version` are answered at once, as virsh exits on them as it reads them.
 */
export type GlobalsOutcome =
  | { readonly kind: 'run'; readonly settings: GlobalSettings; readonly commands: string[]; readonly errors: readonly string[] }
  | { readonly kind: 'help' | 'version' | 'long-version' | 'fail'; readonly errors: readonly string[] };

/** virsh 9.0's getopt option string (after `+:`) and long options, with tsvirsh's `--json`. */
const SHORT = GLOBAL_SHORT;
const LONG = longOptions({
  required: GLOBAL_LONG_REQUIRED,
  none: 'help=h quiet=q readonly=r timing=t json=json',
  optional: 'version=v',
});

/** strtol's text in base 10, and in base 0 (`0x` hex, `0` octal, else decimal), after blanks and a sign. */
const DECIMAL = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/;
const ANY_BASE = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX]([\da-fA-F]+)|(0[0-7]*)|([1-9]\d*))$/;

/** libvirt's virStrToLong_i: strtol over the whole text, within a C int. */
function strToInt(text: string, base: 0 | 10): number | undefined {
  let n: number;
  if (base === 10) {
    const m = DECIMAL.exec(text);
    if (!m) return undefined;
    n = Number(m[2]);
  } else {
    const m = ANY_BASE.exec(text);
    if (!m) return undefined;
    const [, , hex, octal, decimal] = m;
    n = hex !== undefined ? parseInt(hex, 16) : octal !== undefined ? parseInt(octal, 8) : Number(decimal);
  }
  n = text.includes('-') ? -n : n;
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}

/** virsh's escape characters: `^` and a letter or one of `@[\]^_`, or one character other than `^`. */
function validEscape(text: string): boolean {
  // `@-_` is the range from @ to _ (@, the capitals, [, \, ], ^, _).
  return text.length === 2 ? text[0] === '^' && /[a-z@-_]/.test(text[1]!) : text.length === 1 && text !== '^';
}

/**
 * Reads the global options before the command as virsh's virshParseArgv does, option by option:
 * an error stops it where it is met, `-h` and `-v` are answered when read (`-v -x` prints the
 * version), and the messages are virsh's, naming an option as it was given (`-d` or `--debug`).
 */
export function parseGlobalOptions(argv: readonly string[]): GlobalsOutcome {
  const errors: string[] = [];
  const fail = (line: string): GlobalsOutcome => ({ kind: 'fail', errors: [...errors, line] });
  const getopt = new Getopt(argv, SHORT, LONG);
  let connect: string | undefined;
  let debug = DebugLevel.ERROR;
  let interval: number | undefined;
  let keepaliveAsked = false;
  const flags = new Set<string>();
  for (let item = getopt.next(); item !== undefined; item = getopt.next()) {
    if (item.kind === 'missing') {
      const long = LONG.find((o) => o.val === item.opt)!;
      return fail(`option '-${item.opt}'/'--${long.name}' requires an argument`);
    }
    if (item.kind === 'unsupported') return fail(`unsupported option '${item.shown}'. See --help.`);
    const { opt, value = '', long } = item;
    switch (opt) {
      case 'c':
        connect = value;
        break;
      case 'd': {
        const level = strToInt(value, 10);
        if (level === undefined) return fail(`option ${long ? '--debug' : '-d'} takes a numeric argument`);
        if (level < DebugLevel.DEBUG || level > DebugLevel.ERROR) errors.push(`ignoring debug level ${level} out of range [0-4]`);
        else debug = level;
        break;
      }
      case 'e':
        if (!validEscape(value)) return fail(`Invalid string '${value}' for escape sequence`);
        break;
      case 'k':
      case 'K': {
        const name = long ? `--${LONG.find((o) => o.val === opt)!.name}` : `-${opt}`;
        const n = strToInt(value, 0);
        if (n === undefined) return fail(`Invalid value for option ${name}`);
        if (n < 0) return fail(`option ${name} requires a positive integer argument`);
        if (opt === 'k') interval = n;
        keepaliveAsked = true;
        break;
      }
      case 'h':
        return { kind: 'help', errors };
      case 'v':
        return { kind: item.value === 'long' ? 'long-version' : 'version', errors };
      case 'V':
        return { kind: 'long-version', errors };
      default:
        // -l (logging, which tsvirsh does not write), -q, -r, -t, --json
        flags.add(opt);
    }
  }
  return {
    kind: 'run',
    settings: {
      connect, debug, keepaliveInterval: interval ?? (keepaliveAsked ? 5 : undefined),
      quiet: flags.has('q'), readonly: flags.has('r'), timing: flags.has('t'), json: flags.has('json'),
    },
    commands: argv.slice(getopt.optind),
    errors,
  };
}
