import { findCommand, loadCommand, loadedCommand } from './commands/index.js';
import type { Ctl } from './vsh/ctl.js';
import { parseOptions, type ParseReport } from './vsh/parse-options.js';
import type { ParsedCommand } from './vsh/parsed-command.js';
import type { CommandWords } from './vsh/tokenize.js';
import { VshError } from './vsh/vsh-error.js';

/** Resolves every command before running any, as virsh does: one bad command means none runs. */
export function parseCommands(commands: readonly CommandWords[], report: ParseReport): ParsedCommand[] {
  return commands.map((words) => {
    const name = words[0]!;
    const def = findCommand(name);
    if (!def) throw new VshError(`unknown command: '${name}'`);
    const parsed = parseOptions(def, words.slice(1), report);
    return parsed.helpAsked ? parseOptions(findCommand('help')!, [def.name], report) : parsed;
  });
}

/** The first run of a command: connects and loads its module first, when not done yet. */
async function firstRun(ctl: Ctl, cmd: ParsedCommand): Promise<boolean> {
  if (!cmd.def.noConnect && !ctl.connected) await ctl.connect();
  return (loadedCommand(cmd.def.name) ?? await loadCommand(cmd.def.name)).run(ctl, cmd);
}

/**
 * Starts one command. Once connected and with its module loaded, its run is called at once: each
 * await would cost a promise and a turn of the microtask queue, a good part of a quick command (`uri`).
 */
function runOne(ctl: Ctl, cmd: ParsedCommand): Promise<boolean> {
  if (ctl.opts.timing) ctl.commandStarts();
  ctl.jsonErrors = ctl.opts.json === true || cmd.bool('json');
  try {
    const def = loadedCommand(cmd.def.name);
    return def && (cmd.def.noConnect || ctl.connected) ? def.run(ctl, cmd) : firstRun(ctl, cmd);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** What follows a command that did not end the script: its timing or the blank line, then the output offered. */
function afterOne(ctl: Ctl, flush: () => void): void {
  if (ctl.opts.timing) ctl.print(`\n(Time: ${ctl.sinceCommandStart().toFixed(3)} ms)\n\n`);
  else ctl.extra('\n');
  flush();
}

/**
 * Runs commands in order; a failure is reported and the next command still runs. The result is
 * the last command's success, which becomes virsh's exit code. `flush` is offered the output after
 * each command so a long script streams (it writes what is due).
 *
 * A chain of promises with small steps, not a loop in an async function: that function resumes
 * once per command, which made V8 optimise it early in a script, the costliest compilation of a
 * run (callgrind: a tenth of a 1,000-command script's instructions) for code that mostly waits.
 */
export function runCommands(ctl: Ctl, cmds: readonly ParsedCommand[], flush: () => void): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let i = 0;
    const next = (ok: boolean): void => {
      try {
        const cmd = cmds[i - 1];
        if (cmd && (cmd.def.name === 'quit' || cmd.def.name === 'exit')) return resolve(ok);
        if (cmd) afterOne(ctl, flush);
        if (i === cmds.length) return resolve(ok);
        runOne(ctl, cmds[i++]!).then(next, failed);
      } catch (e) {
        reject(e);
      }
    };
    const failed = (e: unknown): void => {
      try {
        ctl.report(e);
      } catch (err) {
        return reject(err);
      }
      next(false);
    };
    next(true);
  });
}
