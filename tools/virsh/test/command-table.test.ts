import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandGroups } from '../src/commands/index.js';
import { COMMANDS_DIR, renderCommandTable } from './command-table.js';

describe('the command table', { timeout: 60_000 }, () => {
  it('lists every command module exports, as they define it', async () => {
    const path = join(COMMANDS_DIR, 'table.ts');
    const want = await renderCommandTable();
    // `pnpm --filter @tsvirt/virsh commands` sets this to rewrite the table after a command changes.
    if (process.env['UPDATE_COMMAND_TABLE'] === '1') writeFileSync(path, want);
    expect(readFileSync(path, 'utf8'), 'src/commands/table.ts is out of date: run `pnpm --filter @tsvirt/virsh commands`').toBe(want);
  });

  it("names each command's group by the keyword of the virsh group it is listed in", () => {
    const misplaced = commandGroups().flatMap((g) => g.commands.filter((c) => c.group !== g.keyword).map((c) => `${c.name}: ${c.group} in ${g.keyword}`));
    expect(misplaced).toEqual([]);
  });

  it('finds every command in the module the table names', async () => {
    const { findCommand, loadCommand } = await import('../src/commands/index.js');
    for (const c of commandGroups().flatMap((g) => g.commands)) expect((await loadCommand(c.name)).name).toBe(findCommand(c.name)?.name);
  });
});
