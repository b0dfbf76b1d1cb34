import { escapeXml } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { splitCommaList } from '../../vsh/comma-list.js';

/** Quotes a word for a POSIX shell only when it needs it, as virsh's `echo --shell` does. */
function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_.,:/@%+=-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

export const echo: CommandDef = {
  name: 'echo',
  group: 'virsh',
  help: 'echo arguments. Used for internal testing.',
  desc: 'Echo back arguments, possibly with quoting. Used for internal testing.',
  noConnect: true,
  options: [
    { name: 'shell', type: 'bool', help: 'escape for shell use' },
    { name: 'xml', type: 'bool', help: 'escape for XML use' },
    { name: 'split', type: 'bool', help: "split each argument on ','; ',,' is an escape sequence" },
    { name: 'err', type: 'bool', help: 'output to stderr' },
    { name: 'string', type: 'argv', help: 'arguments to echo' },
    { name: 'str', type: 'alias', aliasOf: 'string', help: '' },
    { name: 'hi', type: 'alias', aliasOf: 'string=hello', help: '' },
  ],
  async run(ctl, cmd) {
    cmd.exclusive('shell', 'xml');
    const quote = (w: string): string => (cmd.bool('xml') ? escapeXml(w) : cmd.bool('shell') ? shellQuote(w) : w);
    // --split ends every piece of an argument with a newline.
    const split = (w: string): string => splitCommaList(w).map((p) => `${quote(p)}\n`).join('');
    const out = cmd.argv('string').map((w) => (cmd.bool('split') ? split(w) : quote(w))).join(' ');
    if (cmd.bool('err')) ctl.error(out);
    else ctl.print(out);
    return true;
  },
};

export const cd: CommandDef = {
  name: 'cd',
  group: 'virsh',
  help: 'change the current directory',
  desc: 'Change the current directory.',
  noConnect: true,
  options: [{ name: 'dir', type: 'string', positional: true, helpAsNamed: true, help: 'directory to switch to (default: home or else root)' }],
  async run(ctl, cmd) {
    if (!ctl.interactive) throw new VshError('cd: command valid only in interactive mode');
    const dir = cmd.string('dir') ?? process.env['HOME'] ?? '/';
    try {
      process.chdir(dir);
    } catch {
      throw new VshError(`Failed to chdir to ${dir}`);
    }
    return true;
  },
};

export const pwd: CommandDef = {
  name: 'pwd',
  group: 'virsh',
  help: 'print the current directory',
  desc: 'Print the current directory.',
  noConnect: true,
  options: [],
  async run(ctl) {
    ctl.print(`${process.cwd()}\n`);
    return true;
  },
};

export const connectCommand: CommandDef = {
  name: 'connect',
  group: 'virsh',
  help: '(re)connect to hypervisor',
  desc: 'Connect to local hypervisor. This is built-in command after shell start up.',
  noConnect: true,
  options: [
    { name: 'name', type: 'string', positional: true, helpAsNamed: true, help: 'hypervisor connection URI' },
    { name: 'readonly', type: 'bool', help: 'read-only connection' },
  ],
  async run(ctl, cmd) {
    await ctl.reconnect(cmd.string('name'), cmd.bool('readonly'));
    return true;
  },
};

const quitCommand = (name: string): CommandDef => ({
  name,
  group: 'virsh',
  help: 'quit this interactive terminal',
  noConnect: true,
  options: [],
  async run() {
    return true;
  },
});

export const quit = quitCommand('quit');
export const exit = quitCommand('exit');
