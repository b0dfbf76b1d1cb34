import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, VirError, withFileLock } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvirt-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The built util, which a child process loads (`tsc -b` runs before the tests). */
const utilDist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('withFileLock', () => {
  it('returns what fn returns and creates the lock file and its directory', async () => {
    const path = join(dir, 'sub', 'a.lock');
    expect(await withFileLock(path, async () => 42)).toBe(42);
    expect(existsSync(path)).toBe(true);
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

  it('a lock held by a killed process is taken over after staleMs', async () => {
    if (!existsSync(utilDist)) throw new Error(`${utilDist} is missing: run tsc -b first`);
    const path = join(dir, 'stale.lock');
    const staleMs = 2000; // proper-lockfile's smallest stale time
    const script = `
      const { withFileLock } = await import(${JSON.stringify(pathToFileURL(utilDist).href)});
      await withFileLock(${JSON.stringify(path)}, async () => {
        process.stdout.write('locked\\n');
        await new Promise(() => setInterval(() => {}, 1000));
      }, { staleMs: ${staleMs} });
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('locked')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`child exited with ${code} before locking`)));
      });

      // While the child lives (and refreshes the lock), nobody else gets it.
      let err: unknown;
      try {
        await withFileLock(path, async () => 'stolen', { staleMs, waitMs: 600 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VirError);
      expect((err as VirError).code).toBe(ErrorCode.OPERATION_TIMEOUT);
      expect((err as VirError).message).toBe(`Timed out during operation: cannot acquire lock '${path}': held by another process`);

      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      expect(await withFileLock(path, async () => 'taken over', { staleMs, waitMs: 10_000 })).toBe('taken over');
      const waited = Date.now() - killedAt;
      // The child refreshed the lock at most `update` (1 s) before dying, so the takeover waits a while, but not forever.
      expect(waited).toBeGreaterThan(staleMs - 1200);
      expect(waited).toBeLessThan(staleMs + 3000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 20_000);
});
