import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { commandNames, findCommand } from './commands/index.js';
import { parseCommands, runCommands } from './run-commands.js';
import type { Ctl } from './vsh/ctl.js';
import { DebugLevel } from './vsh/ctl.js';
import { complete, type CompletionSource } from './vsh/complete.js';
import { tokenizeCommandString } from './vsh/tokenize.js';

/** How many lines of history are kept between sessions (virsh keeps 500). */
const HISTORY_SIZE = 500;

/** Where the history is kept: virsh's place, under tsvirsh's name. */
function historyFile(): string {
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'tsvirsh', 'history');
}

function loadHistory(): string[] {
  try {
    // readline wants the newest first.
    return readFileSync(historyFile(), 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(history: readonly string[]): void {
  try {
    mkdirSync(dirname(historyFile()), { recursive: true });
    writeFileSync(historyFile(), `${[...history].slice(0, HISTORY_SIZE).reverse().join('\n')}\n`);
  } catch {
    // like virsh, a history that cannot be saved is not an error
  }
}

/** The names completion offers for an option's value, from the connection. */
function completionSource(ctl: Ctl): CompletionSource {
  const lister: Readonly<Record<string, () => Promise<readonly string[]>>> = {
    domain: async () => (await (await ctl.connect()).listAllDomains(0)).map((d) => d.getName()),
    network: async () => (await (await ctl.connect()).listAllNetworks(0)).map((n) => n.getName()),
    pool: async () => (await (await ctl.connect()).listAllStoragePools(0)).map((p) => p.getName()),
  };
  return {
    commands: commandNames(),
    find: findCommand,
    values: async (option) => (await lister[option]?.().catch(() => [])) ?? [],
  };
}

/** Runs one line of commands; whether it asked to leave. */
async function runLine(ctl: Ctl, line: string, write: () => void): Promise<boolean> {
  try {
    const cmds = parseCommands(tokenizeCommandString(line), {
      trace: (l) => ctl.debug(DebugLevel.INFO, l),
      warn: (e) => ctl.report(e),
    });
    await runCommands(ctl, cmds, write);
    return cmds.some((c) => c.def.name === 'quit' || c.def.name === 'exit');
  } catch (e) {
    ctl.report(e);
    return false;
  }
}

/**
 * virsh's interactive mode. On a terminal: the prompt, line editing and echo, history kept
 * between sessions, Tab completion of commands, options and object names; Ctrl-D leaves. From a
 * pipe: virsh prints the prompt and echoes each line it reads. Leaving is a success whatever the
 * last command did, as in virsh.
 */
export async function runShell(ctl: Ctl, write: () => void): Promise<true> {
  const tty = process.stdin.isTTY === true;
  if (!ctl.opts.quiet) {
    ctl.print("Welcome to virsh, the virtualization interactive terminal.\n\nType:  'help' for help with commands\n       'quit' to quit\n\n");
  }
  const promptText = ctl.opts.readonly ? 'virsh > ' : 'virsh # ';
  const source = completionSource(ctl);
  const rl = tty
    ? createInterface({
      input: process.stdin, output: process.stdout, terminal: true, prompt: promptText, history: loadHistory(),
      historySize: HISTORY_SIZE, removeHistoryDuplicates: false,
      completer: (line: string, done: (err: null, result: [string[], string]) => void) => {
        void complete(line, source).then((r) => done(null, r), () => done(null, [[], line]));
      },
    })
    : createInterface({ input: process.stdin, terminal: false });
  const prompt = (): void => {
    write();
    if (tty) rl.prompt();
    else {
      ctl.print(promptText);
      write();
    }
  };
  prompt();
  for await (const line of rl) {
    if (!tty) ctl.print(`${line}\n`);
    if (await runLine(ctl, line, write)) break;
    prompt();
  }
  if (tty) saveHistory((rl as unknown as { history: string[] }).history);
  rl.close();
  ctl.print('\n');
  return true;
}
