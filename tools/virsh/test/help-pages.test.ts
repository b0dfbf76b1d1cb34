import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandNames } from '../src/commands/index.js';
import { TSVIRSH_COMMANDS } from '../src/commands/shared/command-groups.js';

const VIRSH = '/usr/bin/virsh';
const TSVIRSH = join(import.meta.dirname, 'oracle/tsvirsh-node.sh');
const names = commandNames().filter((n) => !TSVIRSH_COMMANDS.has(n));

/** Every page `help NAME` prints for the names, from one run (`help a; help b; ...`), by name. */
function pages(program: string): Map<string, string> {
  const r = spawnSync(program, [names.map((n) => `help ${n}`).join('; ')], { encoding: 'utf8', env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  const out = new Map<string, string>();
  for (const page of r.stdout.split(/(?=^ {2}NAME\n)/m)) {
    const name = /^ {2}NAME\n {4}(\S+) - /.exec(page)?.[1];
    if (name) out.set(name, page);
  }
  return out;
}

const missing = existsSync(VIRSH) ? undefined : `${VIRSH} is not installed`;
if (missing) console.log(`help pages skipped: ${missing}`);

describe.skipIf(missing !== undefined && process.env.CI !== 'true')("every command's help page against virsh 9.0's", { timeout: 120_000 }, () => {
  it(`tsvirsh help CMD is virsh help CMD, byte for byte, for its ${names.length} commands`, () => {
    const want = pages(VIRSH);
    const got = pages(TSVIRSH);
    expect([...want.keys()].sort()).toEqual([...names].sort());
    const differ = names.filter((n) => got.get(n) !== want.get(n));
    console.log(`help pages that differ: ${differ.join(' ') || 'none'}`);
    expect(differ.map((n) => `--- virsh\n${want.get(n)}+++ tsvirsh\n${got.get(n)}`).join('\n')).toBe('');
  });
});
