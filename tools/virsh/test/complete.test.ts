import { describe, expect, it } from 'vitest';
import { commandNames, findCommand } from '../src/commands/index.js';
import { complete, type CompletionSource } from '../src/vsh/complete.js';

const source: CompletionSource = {
  commands: commandNames(),
  find: findCommand,
  values: async (option) => ({ domain: ['test', 'other'], network: ['default'], pool: ['default-pool'] })[option] ?? [],
};

describe('Tab completion', () => {
  it('completes the first word from every command, and after a `;` too', async () => {
    expect(await complete('net-li', source)).toEqual([['net-list '], 'net-li']);
    expect((await complete('vol-', source))[0]).toContain('vol-create-as ');
    expect(await complete('list; domid', source)).toEqual([['domid '], 'domid']);
    expect(await complete('nosuch', source)).toEqual([[], 'nosuch']);
  });

  it("completes a command's options, leaving out those given and tsvirsh's hidden --json", async () => {
    expect(await complete('domstate --r', source)).toEqual([['--reason '], '--r']);
    expect(await complete('domstate --reason --r', source)).toEqual([[], '--r']);
    expect((await complete('dominfo --', source))[0]).toEqual(['--domain ']);
  });

  it('completes the names of the object an option names, by position or after the option', async () => {
    expect(await complete('dominfo t', source)).toEqual([['test '], 't']);
    expect(await complete('domstate --reason ', source)).toEqual([['test ', 'other '], '']);
    expect(await complete('net-info d', source)).toEqual([['default '], 'd']);
    expect(await complete('pool-info --pool d', source)).toEqual([['default-pool '], 'd']);
    // The domain is given: the next word fills no object option.
    expect(await complete('dominfo test x', source)).toEqual([[], 'x']);
  });
});
