import { findCommand, loadCommand, loadedCommand } from './commands/index.js';
import type { Ctl } from './vsh/ctl.js';
import { parseOptions, type ParseReport } from './vsh/parse-options.js';
import type { ParsedCommand } from './vsh/parsed-command.js';
import type { CommandWords } from './vsh/tokenize.js';
import { VshError } from './vsh/vsh-error.js';

/** Resolves every command before running any, as virsh does: one bad command means none runs. */
export function parseCommands(commands: readonly CommandWords[], report: ParseReport): ParsedCommand[] {
  return commands.map(([name, ...args]) => {
    const def = findCommand(name!);
    if (!def) throw new VshError(`unknown command: '${name}'`);
    const parsed = parseOptions(def, args, report);
    return parsed.helpAsked ? parseOptions(findCommand('help')!, [def.name], report) : parsed;
  });
}

/**
 * Runs commands in order; a failure is reported and the next command still runs. The result is
 * the last command's success, which becomes virsh's exit code. `flush` is offered the output after
 * each command so a long script streams (it writes what is due).
 */
export async function runCommands(ctl: Ctl, cmds: readonly ParsedCommand[], flush: () => void): Promise<boolean> {
  let ok = true;
  for (const cmd of cmds) {
    if (ctl.opts.timing) ctl.commandStarts();
    ctl.jsonErrors = ctl.opts.json === true || cmd.bool('json');
    try {
      // Each await of an async call costs a promise and a turn of the microtask queue, a good part
      // of a quick command (`uri`): the connection open and the module loaded skip them.
      if (!cmd.def.noConnect && !ctl.connected) await ctl.connect();
      ok = await (loadedCommand(cmd.def.name) ?? await loadCommand(cmd.def.name)).run(ctl, cmd);
    } catch (e) {
      ok = false;
      ctl.report(e);
    }
    if (cmd.def.name === 'quit' || cmd.def.name === 'exit') break;
    if (ctl.opts.timing) ctl.print(`\n(Time: ${ctl.sinceCommandStart().toFixed(3)} ms)\n\n`);
    else ctl.extra('\n');
    flush();
  }
  return ok;
}
