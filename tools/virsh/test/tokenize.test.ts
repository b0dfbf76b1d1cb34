import { describe, expect, it } from 'vitest';
import { tokenizeCommandString } from '../src/vsh/tokenize.js';

// virsh's command-string rules, with runs of ordinary characters taken in one slice: every rule
// next to and inside such a run.
describe('tokenizeCommandString', () => {
  const cases: Array<[string, string[][]]> = [
    ['list --all', [['list', '--all']]],
    ['  define\tb1.xml ;dominfo b1\nuri', [['define', 'b1.xml'], ['dominfo', 'b1'], ['uri']]],
    ['echo a"b c;d\'e"f', [['echo', "ab c;d'ef"]]],
    ["echo 'a \"b\" \\c'd", [['echo', 'a "b" \\cd']]],
    ['echo a\\ b\\;c \\"q', [['echo', 'a b;c', '"q']]],
    ['echo "x\\"y\\\\z"', [['echo', 'x"y\\z']]],
    ['echo ab#cd # comment\nuri', [['echo', 'ab#cd'], ['uri']]],
    ['#skip;me\necho "#kept"', [['echo', '#kept']]],
    ['echo "multi\nline" end', [['echo', 'multi\nline', 'end']]],
    ['echo abc\\\ndef', [['echo', 'abcdef']]],
    ["echo 'unterminated to the end", [['echo', 'unterminated to the end']]],
    [`echo ${'w'.repeat(10_000)}`, [['echo', 'w'.repeat(10_000)]]],
  ];
  it.each(cases)('%j', (input, words) => {
    expect(tokenizeCommandString(input)).toEqual(words);
  });

  it("refuses virsh's two syntax errors", () => {
    expect(() => tokenizeCommandString('echo "open')).toThrow('missing "');
    expect(() => tokenizeCommandString('echo end\\')).toThrow('dangling \\');
  });
});
