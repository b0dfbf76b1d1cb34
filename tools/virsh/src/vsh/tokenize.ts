import { VshError } from './vsh-error.js';

/** Characters that need no rule of their own outside double quotes, and inside them. */
const PLAIN_RUN = /[^ \t;\n\\'"]+/y;
const IN_DOUBLE_RUN = /[^\\"]+/y;

/** One command's words, as split from a command string. */
export type CommandWords = string[];

/**
 * Splits a virsh command string into commands and their words, with virsh's rules: commands end
 * at `;` or a newline; words split at unquoted blanks; single quotes keep everything literally;
 * double quotes group while a backslash still escapes; `#` at the start of a word comments out the
 * rest of the line.
 */
export function tokenizeCommandString(input: string): CommandWords[] {
  const commands: CommandWords[] = [];
  let words: string[] = [];
  let i = 0;
  const endCommand = (): void => {
    // A command whose name starts with `#`, even quoted or escaped, is a comment.
    if (words.length > 0 && !words[0]!.startsWith('#')) commands.push(words);
    words = [];
  };
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    // Between words, a backslash-newline only continues the line.
    if (c === '\\' && input[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === ';' || c === '\n') {
      endCommand();
      i++;
      continue;
    }
    if (c === '#') {
      while (i < input.length && input[i] !== '\n') i++;
      continue;
    }
    let word = '';
    let inDouble = false;
    while (i < input.length) {
      const ch = input[i]!;
      if (!inDouble && (ch === ' ' || ch === '\t' || ch === ';' || ch === '\n')) break;
      if (ch === '\\') {
        if (i + 1 >= input.length) throw new VshError('dangling \\');
        // A backslash before a newline continues the line.
        if (input[i + 1] !== '\n') word += input[i + 1];
        i += 2;
      } else if (ch === "'" && !inDouble) {
        // virsh lets an unterminated single quote run to the end of the string.
        const end = input.indexOf("'", i + 1);
        const stop = end < 0 ? input.length : end;
        word += input.slice(i + 1, stop);
        i = stop + 1;
      } else if (ch === '"') {
        inDouble = !inDouble;
        i++;
      } else {
        // A run of ordinary characters in one slice, not one concatenation per character.
        const run = inDouble ? IN_DOUBLE_RUN : PLAIN_RUN;
        run.lastIndex = i;
        run.test(input);
        word += input.slice(i, run.lastIndex);
        i = run.lastIndex;
      }
    }
    if (inDouble) throw new VshError('missing "');
    words.push(word);
  }
  endCommand();
  return commands;
}
