import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ChildTimeout, watchChild } from '../src/testing/index.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('watchChild: every wait on a child is bounded', () => {
  it('answers the end and the output of a child that ends in time', async () => {
    const w = watchChild('sh', spawn('sh', ['-c', 'echo out; echo err >&2; exit 3']));
    expect(await w.ended(30_000)).toEqual({ code: 3, signal: null });
    expect([w.stdout, w.stderr, w.end]).toEqual(['out\n', 'err\n', { code: 3, signal: null }]);
  });

  it('kills a child still running at the bound and fails naming it, its pid and its last words', async () => {
    const w = watchChild('a stuck listener', spawn('sh', ['-c', 'echo waiting >&2; exec sleep 100']));
    while (!w.stderr) await new Promise((r) => setTimeout(r, 10));
    const failure = await w.ended(200).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChildTimeout);
    expect((failure as Error).message).toBe(`a stuck listener (pid ${w.child.pid}) did not exit within 0.2 s, killed; stdout "", stderr "waiting\\n"`);
    expect(alive(w.child.pid!)).toBe(false);
  });

  it('is bounded even when a grandchild keeps the output open after the kill', async () => {
    // the grandchild holds stdout: 'close' never comes, the exit does
    const w = watchChild('sh', spawn('sh', ['-c', 'sleep 100 & echo $!; wait']));
    while (!w.stdout) await new Promise((r) => setTimeout(r, 10));
    const failure = await w.ended(200).catch((e: unknown) => e);
    process.kill(Number(w.stdout.trim()), 'SIGKILL');
    expect((failure as Error).message).toMatch(/^sh \(pid \d+\) did not exit within 0\.2 s, killed; /);
    expect(w.end).toBeUndefined();
  });

  it('answers the exit alone of a child whose output a grandchild keeps open', async () => {
    const w = watchChild('a daemon', spawn('sh', ['-c', 'sleep 100 & echo $!']));
    expect(await w.exited(30_000)).toEqual({ code: 0, signal: null });
    expect(w.end).toBeUndefined();
    while (!w.stdout) await new Promise((r) => setTimeout(r, 10));
    process.kill(Number(w.stdout.trim()), 'SIGKILL');
    expect(await w.ended(30_000)).toEqual({ code: 0, signal: null });
  });

  it('answers a program that cannot start', async () => {
    const w = watchChild('nosuch', spawn('/nonexistent/program'));
    expect(await w.ended(30_000)).toMatchObject({ code: null, signal: null, error: { code: 'ENOENT' } });
  });
});
