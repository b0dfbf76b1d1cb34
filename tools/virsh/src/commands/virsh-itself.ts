import { escapeXml } from '@tsvirt/conf';
import type { CommandDef } from '../vsh/command-def.js';

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
  ],
  async run(ctl, cmd) {
    let words = cmd.argv('string');
    if (cmd.bool('split')) words = words.flatMap((w) => w.split(/(?<!,),(?!,)/).map((p) => p.replace(/,,/g, ',')));
    const out = words
      .map((w) => {
        let s = w;
        if (cmd.bool('xml')) s = escapeXml(s);
        if (cmd.bool('shell')) s = shellQuote(s);
        return s;
      })
      .join(' ');
    if (cmd.bool('err')) ctl.error(out);
    else ctl.print(out);
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
