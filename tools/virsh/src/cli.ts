import { parseArgs } from 'node:util';
import { DRIVER_REGISTRY, LIB_VERSION, addDriverImporter, findDriver, unloadDrivers } from '@tsvirt/api';
import { defaultURI } from '@tsvirt/util';
import { importDriver } from './drivers.js';
import { versionString } from './version-string.js';
import { groupHelp } from './commands/virsh/help.js';
import { parseCommands, runCommands } from './run-commands.js';
import { Ctl, DebugLevel } from './vsh/ctl.js';
import { tokenizeCommandString, type CommandWords } from './vsh/tokenize.js';
import { VshError } from './vsh/vsh-error.js';
import { isCharDevice, writeFd } from './vsh/fd-output.js';

// Drivers are resolved from this package, which depends on all of them; still loaded only on use.
addDriverImporter(importDriver);

const GLOBAL_OPTIONS = {
  connect: { type: 'string', short: 'c' },
  debug: { type: 'string', short: 'd' },
  escape: { type: 'string', short: 'e' },
  help: { type: 'boolean', short: 'h' },
  'keepalive-interval': { type: 'string', short: 'k' },
  'keepalive-count': { type: 'string', short: 'K' },
  log: { type: 'string', short: 'l' },
  quiet: { type: 'boolean', short: 'q' },
  readonly: { type: 'boolean', short: 'r' },
  timing: { type: 'boolean', short: 't' },
  version: { type: 'boolean', short: 'v' },
  'long-version': { type: 'boolean', short: 'V' },
  json: { type: 'boolean' },
} as const;

/**
 * virsh names itself in its usage as it was invoked (the last part of argv[0]); so does tsvirsh,
 * from the path node runs (`tsvirsh.cjs` is tsvirsh, a link named `virsh` is virsh).
 */
function programName(script: string | undefined): string {
  return (script ?? 'tsvirsh').split('/').pop()!.replace(/\.c?js$/, '');
}

/**
 * The usage `-h` prints. Invoked as `virsh` (a drop-in link), virsh's own text byte for byte;
 * under any other name tsvirsh's extras too: `--json` here, its own commands in the listing.
 */
function usage(name: string): string {
  const extras = name !== 'virsh';
  return `
${name} [options]... [<command_string>]
${name} [options]... <command> [args...]

  options:
    -c | --connect=URI      hypervisor connection URI
    -d | --debug=NUM        debug level [0-4]
    -e | --escape <char>    set escape sequence for console
    -h | --help             this help
    -k | --keepalive-interval=NUM
                            keepalive interval in seconds, 0 for disable
    -K | --keepalive-count=NUM
                            number of possible missed keepalive messages
    -l | --log=FILE         output logging to file
    -q | --quiet            quiet mode
    -r | --readonly         connect readonly
    -t | --timing           print timing information
    -v                      short version
    -V                      long version
         --version[=TYPE]   version, TYPE is short or long (default short)
${extras ? `         --json             (tsvirsh) results of listing and info commands as
                            JSON, and errors as JSON objects (code, domain, message)
` : ''}  commands (non interactive mode):

`;
}

/** virsh's (getopt's) words for a bad global option. */
function globalOptionError(e: Error & { code?: string }, globals: readonly string[]): string {
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const [, short, long] = /'-(\w), --([\w-]+)/.exec(e.message) ?? [];
    return `option '-${short}'/'--${long}' requires an argument`;
  }
  const opt = /'([^']+)'/.exec(e.message)?.[1] ?? globals[0];
  return `unsupported option '${opt}'. See --help.`;
}

/**
 * The numeric global options with virsh's checks: `-d` out of range is ignored with an error line,
 * other bad numbers stop virsh.
 */
function numericGlobals(values: { debug?: string; 'keepalive-interval'?: string; 'keepalive-count'?: string }):
  { debug: DebugLevel; keepaliveInterval: number | undefined; warnings: string[] } | string {
  const warnings: string[] = [];
  let debug = DebugLevel.ERROR;
  if (values.debug !== undefined) {
    if (!/^-?\d+$/.test(values.debug)) return 'option -d takes a numeric argument';
    const level = Number(values.debug);
    if (level < DebugLevel.DEBUG || level > DebugLevel.ERROR) warnings.push(`ignoring debug level ${level} out of range [0-4]`);
    else debug = level;
  }
  for (const [name, short] of [['keepalive-interval', 'k'], ['keepalive-count', 'K']] as const) {
    const v = values[name];
    if (v === undefined) continue;
    if (!/^-?\d+$/.test(v)) return `Invalid value for option -${short}`;
    if (Number(v) < 0) return `option -${short} requires a positive integer argument`;
  }
  const k = values['keepalive-interval'];
  return { debug, keepaliveInterval: k === undefined ? undefined : Number(k), warnings };
}

/**
 * getopt takes the word after an option that needs a value as that value even when it starts
 * with `-` (`-K -2`), where parseArgs would see another option: such pairs become `--name=value`.
 */
function attachOptionValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  const needsValue = (name: string): boolean =>
    Object.entries(GLOBAL_OPTIONS).some(([long, o]) => o.type === 'string' && (long === name || ('short' in o && o.short === name)));
  const longName = (name: string): string =>
    Object.entries(GLOBAL_OPTIONS).find(([long, o]) => long === name || ('short' in o && o.short === name))![0];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '--' || !w.startsWith('-')) return [...out, ...argv.slice(i)];
    const name = w.startsWith('--') ? w.slice(2) : w.slice(-1);
    const bare = w.startsWith('--') ? !w.includes('=') : w.length === 2;
    if (bare && needsValue(name) && i + 1 < argv.length) out.push(`--${longName(name)}=${argv[++i]}`);
    else out.push(w);
  }
  return out;
}

/**
 * `-V`: virsh lists the drivers it was compiled with; tsvirsh's drivers are packages found at run
 * time, so it lists those that are installed, in virsh's layout.
 */
async function longVersion(): Promise<string> {
  const hypervisors: string[] = [];
  const secondary = new Set<string>();
  for (const entry of Object.values(DRIVER_REGISTRY)) {
    const driver = await findDriver(entry.package);
    if (!driver) continue;
    hypervisors.push(driver.name);
    for (const s of entry.secondary) if (await findDriver(s)) secondary.add(s);
  }
  return `tsvirsh, the virsh of tsvirt, following libvirt ${versionString(LIB_VERSION)}\n\n` +
    'Drivers installed:\n' +
    ` Hypervisors: ${hypervisors.join(' ') || '(none)'}\n` +
    ` Secondary: ${[...secondary].join(' ') || '(none)'}\n`;
}

/** Splits argv where virsh's getopt stops: at the first word that is not a global option. */
function splitGlobal(argv: string[]): { globals: string[]; rest: string[] } {
  const { tokens } = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  if (!first) return { globals: argv, rest: [] };
  return { globals: argv.slice(0, first.index), rest: argv.slice(first.kind === 'option-terminator' ? first.index + 1 : first.index) };
}

/** Where option parsing reports each option it assigns, for `-d`; none below its level (no lines to build). */
function trace(ctl: Ctl): ((line: string) => void) | undefined {
  return ctl.opts.debug <= DebugLevel.INFO ? (line) => ctl.debug(DebugLevel.INFO, line) : undefined;
}

/** Output gathered past this many characters is written out. */
const OUTPUT_CHUNK = 64 * 1024;
/** Output older than this (a command that took a while, a pause) is written out, in nanoseconds. */
const OUTPUT_AGE = 20_000_000n;

/**
 * Writes what the commands printed, in order. Standard output that is not a terminal is gathered
 * over quick commands and written in large pieces (a script of short commands costs one system
 * call per 64 KiB, not per line, as virsh's stdio buffer does), but never held back when an error
 * line comes (stdout and stderr keep their order), past a slow command, or when `force`d.
 */
function outputWriter(ctl: () => Ctl): (force?: boolean) => void {
  const eager = isCharDevice(1);
  let since = process.hrtime.bigint();
  return (force = true) => {
    const c = ctl();
    if (!force && !eager && !c.hasErrorOutput() && c.pendingOutput() < OUTPUT_CHUNK && process.hrtime.bigint() - since < OUTPUT_AGE) return;
    const { stdout, stderr } = c.takeOutput();
    writeFd(1, stdout);
    writeFd(2, stderr);
    since = process.hrtime.bigint();
  };
}

async function main(argv: string[]): Promise<number> {
  const ctlOut = { ctl: undefined as Ctl | undefined };
  const write = outputWriter(() => ctlOut.ctl!);
  const { globals, rest } = splitGlobal(attachOptionValues(argv));
  let values;
  try {
    // `--version=short|long` takes an optional value, which parseArgs cannot express.
    const args = globals.map((a) => (a === '--version=long' ? '-V' : a === '--version=short' ? '-v' : a));
    ({ values } = parseArgs({ args, options: GLOBAL_OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    writeFd(2, `error: ${globalOptionError(e as Error & { code?: string }, globals)}\n`);
    return 1;
  }
  if (values.help) {
    const { GROUPS } = await import('./commands/index.js');
    const name = programName(process.argv[1]);
    writeFd(1, `${usage(name)}${GROUPS.map((g) => `${groupHelp(g, '', name !== 'virsh')}\n`).join('')}\n` +
      '  (specify help <group> for details about the commands in the group)\n\n' +
      '  (specify help <command> for details about the command)\n\n');
    return 0;
  }
  if (values.version) {
    writeFd(1, `${versionString(LIB_VERSION)}\n`);
    return 0;
  }
  if (values['long-version']) {
    writeFd(1, await longVersion());
    return 0;
  }
  const numeric = numericGlobals(values);
  if (typeof numeric === 'string') {
    writeFd(2, `error: ${numeric}\n`);
    return 1;
  }
  for (const w of numeric.warnings) writeFd(2, `error: ${w}\n`);
  const envURI = process.env['VIRSH_DEFAULT_CONNECT_URI'] || defaultURI();
  const explicitURI = values.connect ?? envURI;
  const ctl = new Ctl({
    uri: explicitURI, quiet: values.quiet ?? false, readonly: values.readonly ?? false, timing: values.timing ?? false,
    debug: numeric.debug, keepaliveInterval: numeric.keepaliveInterval, json: values.json ?? false,
  });
  ctlOut.ctl = ctl;
  // Parse and connection errors, before any command runs, are JSON too under --json.
  ctl.jsonErrors = ctl.opts.json === true;
  // Like virsh: a URI named up front is connected before any command runs (after they parse).
  const connectEarly = async (): Promise<boolean> => {
    if (explicitURI === undefined) return true;
    try {
      await ctl.connect();
      return true;
    } catch (e) {
      ctl.report(e);
      write();
      return false;
    }
  };
  try {
    ctl.interactive = rest.length === 0;
    if (rest.length === 0) {
      if (!(await connectEarly())) return 1;
      const { runShell } = await import('./shell.js');
      const ok = await runShell(ctl, write);
      write();
      return ok ? 0 : 1;
    }
    let cmds;
    try {
      let words: CommandWords[] = [rest];
      if (rest.length === 1) {
        ctl.debug(DebugLevel.INFO, `commands: "${rest[0]}"`);
        words = tokenizeCommandString(rest[0]!);
      }
      cmds = parseCommands(words, { trace: trace(ctl), warn: (e) => ctl.report(e) });
    } catch (e) {
      if (!(e instanceof VshError)) throw e;
      ctl.report(e);
      write();
      return 1;
    }
    if (!(await connectEarly())) return 1;
    const ok = await runCommands(ctl, cmds, () => write(false));
    write();
    return ok ? 0 : 1;
  } finally {
    await ctl.close();
    await unloadDrivers();
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
