import { afterEach, describe, expect, it } from 'vitest';
import { addDriverImporter, unloadDrivers } from '@tsvirt/api';
import { importDriver } from '../src/drivers.js';
import { parseCommands, runCommands } from '../src/run-commands.js';
import { Ctl, DebugLevel } from '../src/vsh/ctl.js';
import { tokenizeCommandString } from '../src/vsh/tokenize.js';
import { formatTable } from '../src/vsh/table.js';

addDriverImporter(importDriver);

const newCtl = (timing = false): Ctl => new Ctl({
  uri: 'test:///default', quiet: false, readonly: false, timing, debug: DebugLevel.ERROR, keepaliveInterval: undefined,
});

/** Runs a command string as a script does: its result, what it printed, and how often output was offered. */
async function run(script: string, ctl = newCtl(), flush = (): void => {}): Promise<{ ok: boolean; stdout: string; stderr: string; flushes: number }> {
  let flushes = 0;
  const cmds = parseCommands(tokenizeCommandString(script), { warn: (e) => ctl.report(e) });
  const ok = await runCommands(ctl, cmds, () => {
    flushes++;
    flush();
  });
  await ctl.close();
  return { ok, ...ctl.takeOutput(), flushes };
}

afterEach(() => unloadDrivers());

describe('runCommands', () => {
  it('runs every command in order, a blank line and a flush after each', async () => {
    expect(await run('uri; domid test; domstate test')).toEqual({
      ok: true, stdout: 'test:///default\n\n1\n\nrunning\n\n', stderr: '', flushes: 3,
    });
  });

  it('reports a failure, runs on, and answers the last command', async () => {
    expect(await run('domid nosuch; uri')).toMatchObject({ ok: true, stdout: '\ntest:///default\n\n', stderr: "error: failed to get domain 'nosuch'\n" });
    expect(await run('uri; domid nosuch')).toMatchObject({ ok: false, stdout: 'test:///default\n\n\n', stderr: "error: failed to get domain 'nosuch'\n" });
  });

  it('stops at quit or exit, without the blank line or a flush after it', async () => {
    for (const stop of ['quit', 'exit']) {
      expect(await run(`uri; ${stop}; uri`)).toEqual({ ok: true, stdout: 'test:///default\n\n', stderr: '', flushes: 1 });
    }
  });

  it('connects before the first command that needs it, and not for one that does not', async () => {
    const ctl = newCtl();
    const cmds = parseCommands(tokenizeCommandString('echo hi'), { warn: () => {} });
    expect(await runCommands(ctl, cmds, () => {})).toBe(true);
    expect(ctl.connected).toBe(false);
    expect(await run('domid test', ctl)).toMatchObject({ ok: true, stdout: 'hi\n1\n\n' });
  });

  it('answers true for no command at all', async () => {
    expect(await runCommands(newCtl(), [], () => {})).toBe(true);
  });

  it('prints each command\'s time under -t', async () => {
    const { stdout } = await run('uri; uri', newCtl(true));
    expect(stdout).toMatch(/^test:\/\/\/default\n\n\(Time: \d+\.\d{3} ms\)\n\ntest:\/\/\/default\n\n\(Time: \d+\.\d{3} ms\)\n\n$/);
  });

  it('rejects, running nothing more, when writing the output fails', async () => {
    const ctl = newCtl();
    const cmds = parseCommands(tokenizeCommandString('uri; uri'), { warn: () => {} });
    let calls = 0;
    await expect(runCommands(ctl, cmds, () => {
      calls++;
      throw new Error('write failed');
    })).rejects.toThrow('write failed');
    expect(calls).toBe(1);
    await ctl.close();
  });
});

describe('formatTable', () => {
  it('pads by code points, as virsh counts them', () => {
    expect(formatTable(['Id', 'Name'], [['1', '😀😀'], ['22', 'ab']], true)).toBe(
      ' Id   Name\n------------\n 1    😀😀\n 22   ab\n',
    );
    expect(formatTable(['Name', 'State'], [['😀', 'running'], ['abc', 'shut off']], false)).toBe(' 😀    running\n abc   shut off\n');
  });
});
