import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, VirError, withFileLock } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvirt-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The built util, which a child process loads (`tsc -b` runs before the tests). */
const utilDist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('withFileLock', () => {
  it('returns what fn returns and creates the lock file (0600) and its directory', async () => {
    const path = join(dir, 'sub', 'a.lock');
    expect(await withFileLock(path, async () => 42)).toBe(42);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('releases the lock when fn throws', async () => {
    const path = join(dir, 'throws.lock');
    await expect(withFileLock(path, async () => {
      throw new Error('inside');
    })).rejects.toThrow('inside');
    expect(await withFileLock(path, async () => 'again', { waitMs: 500 })).toBe('again');
  });

  it('two holders in one process run one after the other', async () => {
    const path = join(dir, 'serial.lock');
    const log: string[] = [];
    let inside = 0;
    let overlap = false;
    const holder = (name: string) => withFileLock(path, async () => {
      inside++;
      if (inside > 1) overlap = true;
      log.push(`${name} in`);
      await sleep(150);
      log.push(`${name} out`);
      inside--;
      return name;
    });
    const results = await Promise.all([holder('a'), holder('b'), holder('c')]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(overlap).toBe(false);
    expect(log).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(log[i + 1]).toBe(log[i]!.replace(' in', ' out'));
  });

  it('waits in the kernel for a holder in the same process, and says who holds it when the wait runs out', async () => {
    const path = join(dir, 'timeout.lock');
    let err: unknown;
    await withFileLock(path, async () => {
      try {
        await withFileLock(path, async () => 'inner', { waitMs: 300, domain: ErrorDomain.QEMU });
      } catch (e) {
        err = e;
      }
    });
    expect(err).toBeInstanceOf(VirError);
    expect((err as VirError).code).toBe(ErrorCode.OPERATION_TIMEOUT);
    expect((err as VirError).domain).toBe(ErrorDomain.QEMU);
    expect((err as VirError).message).toBe(`Timed out during operation: cannot acquire lock '${path}': held by another process`);
  });

  it('a missing perl is a SYSTEM_ERROR naming the lock keeper', async () => {
    const child = holder(join(dir, 'noperl.lock'), '', { PATH: join(dir, 'no-such-bin') });
    expect(await child.seen('cannot run the lock keeper (perl)')).toContain('SYSTEM_ERROR');
  });

  it('a lock let go while the process waits for another is free at once for other processes', async () => {
    const [a, b] = [join(dir, 'let-go-a.lock'), join(dir, 'let-go-b.lock')];
    const other = holder(b, 'await new Promise((r) => setTimeout(r, 4000));');
    try {
      await other.locked;
      let waiting: Promise<unknown> | undefined;
      await withFileLock(a, async () => {
        // The wait for b starts while a is held: the waiter must not keep a copy of a's lock.
        waiting = withFileLock(b, async () => 'b', { waitMs: 8000 });
        await sleep(200);
      });
      // Well before b is free (4 s): a was let go, whoever waits for what.
      const taker = holder(a, '', {}, 1500);
      expect(await taker.exited).toBe(0);
      expect(await taker.seen('released')).toBe('locked\nreleased\n');
      expect(await waiting).toBe('b');
    } finally {
      other.process.kill('SIGKILL');
    }
  }, 20_000);

  it('many holders of many locks in one process: each lock taken by one at a time', async () => {
    const inside = new Map<number, number>();
    let overlap = false;
    await Promise.all(Array.from({ length: 60 }, (_, i) => withFileLock(join(dir, `many-${i % 6}.lock`), async () => {
      const n = (inside.get(i % 6) ?? 0) + 1;
      inside.set(i % 6, n);
      if (n > 1) overlap = true;
      await sleep(2);
      inside.set(i % 6, n - 1);
    })));
    expect(overlap).toBe(false);
  });

  it('a holder killed with -9 releases the lock at once, even with a program it started still running', async () => {
    const path = join(dir, 'killed.lock');
    // The holder starts a long-lived program first: close-on-exec keeps the lock out of it.
    const child = holder(path, "process.stdout.write(`sleeper ${spawn('sleep', ['30'], { stdio: 'ignore' }).pid}\\n`);\n" +
      'await new Promise(() => setInterval(() => {}, 1000));');
    let sleeper = 0;
    try {
      sleeper = Number(/sleeper (\d+)/.exec(await child.seen('sleeper '))?.[1]);
      await expect(withFileLock(path, async () => 'stolen', { waitMs: 500 })).rejects.toMatchObject({ code: ErrorCode.OPERATION_TIMEOUT });
      child.process.kill('SIGKILL');
      await child.exited;
      // Far less than any stale limit: the kernel released it when the holder died.
      expect(await withFileLock(path, async () => 'taken', { waitMs: 1000 })).toBe('taken');
    } finally {
      child.process.kill('SIGKILL');
      if (sleeper > 0) process.kill(sleeper, 'SIGKILL');
    }
  }, 20_000);

  it('a keeper started ahead (prepareFileLocks) keeps no process alive and serves the first lock', async () => {
    const path = join(dir, 'prepared.lock');
    const script = `
      const { prepareFileLocks, withFileLock } = await import(${JSON.stringify(pathToFileURL(utilDist).href)});
      prepareFileLocks();
      prepareFileLocks();
      if (process.argv[1] === 'lock') process.stdout.write(await withFileLock(${JSON.stringify(path)}, async () => 'locked\\n'));
    `;
    for (const mode of ['idle', 'lock']) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ mode, code, out }).toEqual({ mode, code: 0, out: mode === 'lock' ? 'locked\n' : '' });
    }
    // The lock was let go with the process.
    expect(await withFileLock(path, async () => 'free', { waitMs: 1000 })).toBe('free');
  });

  it('a holder whose event loop stalls for 10 s keeps the lock and finishes cleanly', async () => {
    const path = join(dir, 'stalled.lock');
    const child = holder(path, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);');
    try {
      await child.locked;
      // Past any stale limit of the old lock (10 s), nobody takes it while the holder lives.
      await expect(withFileLock(path, async () => 'stolen', { waitMs: 9000 })).rejects.toMatchObject({ code: ErrorCode.OPERATION_TIMEOUT });
      expect(await withFileLock(path, async () => 'after', { waitMs: 10_000 })).toBe('after');
      expect(await child.exited).toBe(0);
      expect(await child.seen('released')).toBe('locked\nreleased\n');
    } finally {
      child.process.kill('SIGKILL');
    }
  }, 40_000);
});

/**
 * A process that takes the lock on `path` with the built util, prints `locked`, runs `stall`
 * inside the lock (with `spawn` in scope; it may await), then prints `released` once out of it.
 */
function holder(path: string, stall: string, env: Record<string, string> = {}, waitMs = 30_000): {
  process: ChildProcess; locked: Promise<string>; exited: Promise<number | null>; seen: (text: string) => Promise<string>;
} {
  if (!existsSync(utilDist)) throw new Error(`${utilDist} is missing: run tsc -b first`);
  const script = `
    const { spawn } = await import('node:child_process');
    const { withFileLock } = await import(${JSON.stringify(pathToFileURL(utilDist).href)});
    try {
      await withFileLock(${JSON.stringify(path)}, async () => {
        process.stdout.write('locked\\n');
        ${stall}
      }, { waitMs: ${waitMs} });
      process.stdout.write('released\\n');
    } catch (e) {
      process.stdout.write(\`\${e.message} \${e.code === 38 ? 'SYSTEM_ERROR' : e.code}\\n\`);
    }
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  /** The holder's output once it contains `text`; rejects if the holder exits first. */
  const seen = (text: string): Promise<string> => new Promise((resolve, reject) => {
    const check = (): void => {
      if (out.includes(text)) resolve(out);
      else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`holder exited before printing ${text}: ${out}`));
      else waiters.push(check);
    };
    child.once('close', check);
    check();
  });
  const locked = seen('locked');
  locked.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { process: child, locked, exited, seen };
}
