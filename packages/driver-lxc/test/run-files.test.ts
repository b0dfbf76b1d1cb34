import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeRunFiles } from '../src/driver/lxc-stop.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvirt-lxc-runfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("removes a run's records, including writes a killed controller left half-done, and nobody else's", async () => {
  const mine = ['c1.init', 'c1.exit', 'c1.console', 'c1.exit.919778230', 'c1.init.3fa2b1'];
  const others = ['c1.json', 'c1.exit.5.json', 'c1.exit.tmpx', 'c10.exit.123', 'c2.exit.919778230'];
  for (const f of [...mine, ...others]) writeFileSync(join(dir, f), '');
  await removeRunFiles({ uri: 'lxc:///embed', configDir: dir, stateDir: dir, logDir: dir }, 'c1');
  expect(readdirSync(dir).sort()).toEqual([...others].sort());
});
