import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/program/tsvirsh.cjs', import.meta.url));
const driver = fileURLToPath(new URL('./pty-session.py', import.meta.url));
const cache = mkdtempSync(join(tmpdir(), 'tsvirsh-shell-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

type Step = ['send' | 'expect', string];

/** Runs tsvirsh on a pseudo-terminal through the steps; the transcript and exit status. */
function session(steps: Step[], args = ['-c', 'test:///default']): { transcript: string; status: number; failedStep: number | null } {
  const r = spawnSync('python3', [driver, JSON.stringify(steps), process.execPath, cli, ...args], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: cache, TERM: 'xterm' },
  });
  if (r.status !== 0) throw new Error(`pty-session.py failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as { transcript: string; status: number; failedStep: number | null };
  // What the screen shows: without readline's cursor movements.
  return { ...result, transcript: result.transcript.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') };
}

const TAB = '\t';
const CTRL_D = '\x04';

describe('the interactive shell on a terminal', { timeout: 60_000 }, () => {
  it('greets, prompts, echoes what is typed, runs it and leaves on Ctrl-D with status 0', () => {
    const s = session([['expect', 'virsh # '], ['send', 'domstate test\r'], ['expect', 'running'], ['expect', 'virsh # '], ['send', CTRL_D]]);
    expect(s.failedStep).toBeNull();
    expect(s.transcript).toContain("Welcome to virsh, the virtualization interactive terminal.");
    expect(s.transcript).toContain('virsh # domstate test');
    expect(s.status).toBe(0);
  });

  it('a read-only connection prompts with virsh >', () => {
    const s = session([['expect', 'virsh > '], ['send', 'quit\r']], ['-r', '-c', 'test:///default']);
    expect(s.failedStep).toBeNull();
    expect(s.status).toBe(0);
  });

  it('completes command names, options and domain names with Tab', () => {
    const s = session([
      ['expect', 'virsh # '], ['send', 'dominf'], ['send', TAB], ['expect', 'dominfo '],
      ['send', 'te'], ['send', TAB], ['expect', 'test '], ['send', '\r'], ['expect', 'Persistent:'],
      ['expect', 'virsh # '], ['send', 'domstate --rea'], ['send', TAB], ['expect', '--reason '],
      ['send', 'te'], ['send', TAB], ['expect', 'test '], ['send', '\r'], ['expect', 'running (unknown)'],
      ['expect', 'virsh # '], ['send', CTRL_D],
    ]);
    expect(s.failedStep, s.transcript).toBeNull();
    expect(s.status).toBe(0);
  });

  it('offers every command that starts with what is typed on a second Tab', () => {
    const s = session([['expect', 'virsh # '], ['send', 'net-u'], ['send', TAB], ['send', TAB], ['expect', 'net-undefine'], ['send', `\x15quit\r`]]);
    expect(s.failedStep, s.transcript).toBeNull();
    expect(s.transcript).toContain('net-update');
  });

  it('keeps history: the up arrow brings the last command back, and the next session has it too', () => {
    const first = session([['expect', 'virsh # '], ['send', 'domid test\r'], ['expect', 'virsh # '], ['send', '\x1b[A\r'], ['expect', 'virsh # '], ['send', CTRL_D]]);
    expect(first.failedStep, first.transcript).toBeNull();
    expect(first.transcript.match(/^1\r?$/gm)).toHaveLength(2);
    expect(readFileSync(join(cache, 'tsvirsh', 'history'), 'utf8')).toContain('domid test\n');
    const second = session([['expect', 'virsh # '], ['send', '\x1b[A\r'], ['expect', 'virsh # '], ['send', CTRL_D]]);
    expect(second.failedStep, second.transcript).toBeNull();
    expect(second.transcript).toMatch(/^1\r?$/m);
  });
});
