import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorDomain } from '@tsvirt/util';
import { withSocketLock } from '../src/state/socket-lock.js';

const HOLDER = fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url));
const children: ChildProcess[] = [];
const lockPath = (): string => `/tmp/tsvirt-lock-test-${process.pid}-${randomBytes(4).toString('hex')}`;

/** A process that holds the lock and stalls for `seconds`; resolves once it holds it. */
async function holder(path: string, seconds: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, path, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return child;
}

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('the driver lock (an abstract unix socket)', () => {
  it('is never taken from a holder whose event loop stalls for 10 s', async () => {
    const path = lockPath();
    const stalled = await holder(path, 10);
    const started = Date.now();
    await expect(withSocketLock(path, async () => 'mine', { waitMs: 9000, domain: ErrorDomain.QEMU }))
      .rejects.toMatchObject({ code: 68, message: `Timed out during operation: cannot acquire lock '${path}': held by another process` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(8900);
    expect(stalled.exitCode).toBeNull();
    const exited = new Promise((r) => stalled.once('exit', r));
    await exited;
    expect(stalled.exitCode).toBe(0);
  }, 30_000);

  it('is released the moment its holder is killed -9, and the waiter wakes without polling', async () => {
    const path = lockPath();
    const doomed = await holder(path, 60);
    const waiting = withSocketLock(path, async () => Date.now(), { waitMs: 20_000, domain: ErrorDomain.QEMU });
    await new Promise((r) => setTimeout(r, 300));
    const killedAt = Date.now();
    doomed.kill('SIGKILL');
    expect((await waiting) - killedAt).toBeLessThan(500);
  });

  it('serialises jobs within one process and hands over in turn', async () => {
    const path = lockPath();
    const order: string[] = [];
    const job = (n: string) => withSocketLock(path, async () => {
      order.push(`${n}+`);
      await new Promise((r) => setTimeout(r, 20));
      order.push(`${n}-`);
    }, { waitMs: 5000, domain: ErrorDomain.QEMU });
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(order.join(' ')).toMatch(/^(\w)\+ \1- (\w)\+ \2- (\w)\+ \3-$/);
  });
});
