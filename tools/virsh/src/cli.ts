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
import { parseGlobalOptions } from './global-options.js';

// Drivers are resolved from this package, which depends on all of them; still loaded only on use.
addDriverImporter(importDriver);

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

/** Where option parsing reports each option it assigns, for `-d`; none below its level (no lines to build). */
function trace(ctl: Ctl): ((line: string) => void) | undefined {
  return ctl.opts.debug <= DebugLevel.INFO ? (line) => ctl.debug(DebugLevel.INFO, line) : undefined;
}

/** Output gathered past this many characters is written out. */
const OUTPUT_CHUNK = 64 * 1024;
/** Output older than this (a command that took a while, a pause) is written out, in milliseconds. */
const OUTPUT_AGE = 20;

/**
 * Writes what the commands printed, in order. Standard output that is not a terminal is gathered
 * over quick commands and written in large pieces (a script of short commands costs one system
 * call per 64 KiB, not per line, as virsh's stdio buffer does), but never held back when an error
 * line comes (stdout and stderr keep their order), past a slow command, or when `force`d.
 */
function outputWriter(ctl: () => Ctl): (force?: boolean) => void {
  const eager = isCharDevice(1);
  // Date.now, not hrtime.bigint: no BigInt made per command, and milliseconds are fine enough here.
  let since = Date.now();
  return (force = true) => {
    const c = ctl();
    if (!force && !eager && !c.hasErrorOutput() && c.pendingOutput() < OUTPUT_CHUNK && Date.now() - since < OUTPUT_AGE) return;
    const { stdout, stderr } = c.takeOutput();
    writeFd(1, stdout);
    writeFd(2, stderr);
    since = Date.now();
  };
}

/** The global options virsh answers as it reads them, then exits: help, the versions, an error (printed already). */
async function answerAtOnce(kind: 'help' | 'version' | 'long-version' | 'fail'): Promise<number> {
  if (kind === 'fail') return 1;
  if (kind === 'help') {
    const { commandGroups } = await import('./commands/index.js');
    const name = programName(process.argv[1]);
    writeFd(1, `${usage(name)}${commandGroups().map((g) => `${groupHelp(g, '', name !== 'virsh')}\n`).join('')}\n` +
      '  (specify help <group> for details about the commands in the group)\n\n' +
      '  (specify help <command> for details about the command)\n\n');
  } else {
    writeFd(1, kind === 'version' ? `${versionString(LIB_VERSION)}\n` : await longVersion());
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const ctlOut = { ctl: undefined as Ctl | undefined };
  const write = outputWriter(() => ctlOut.ctl!);
  const globals = parseGlobalOptions(argv);
  for (const line of globals.errors) writeFd(2, `error: ${line}\n`);
  if (globals.kind !== 'run') return answerAtOnce(globals.kind);
  const { settings, commands: rest } = globals;
  const explicitURI = settings.connect ?? (process.env['VIRSH_DEFAULT_CONNECT_URI'] || defaultURI());
  const ctl = new Ctl({
    uri: explicitURI, quiet: settings.quiet, readonly: settings.readonly, timing: settings.timing,
    debug: settings.debug, keepaliveInterval: settings.keepaliveInterval, json: settings.json,
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
  // Once nothing the command started is left (writes, fsyncs, lock releases, QEMU's answers: all
  // keep the loop alive until done), exit without Node's orderly teardown of the heap and its
  // threads, 20-40 ms of a short command under load. Only unref'd handles remain then (the lock
  // keeper's pipes, an event monitor), which the kernel closes. With nothing left at all (a
  // `test:///` run), exit at once: the loop's last turn would first run V8's pending minor GC
  // task, a scavenge of the whole start (4M instructions of a cold `list --all`).
  if (process.getActiveResourcesInfo().length === 0) process.exit();
  else process.once('beforeExit', () => process.exit());
});
