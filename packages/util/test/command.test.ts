import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, VirError, runCommand } from '../src/index.js';

const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'tsvirt-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<VirError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VirError) return e;
    throw new Error(`expected a VirError, got ${String(e)}`);
  }
  throw new Error('expected a VirError, the command succeeded');
}

/** A node program that prints its arguments as JSON. */
const PRINT_ARGS = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';

describe('runCommand', () => {
  it('passes every argument literally, never through a shell', async () => {
    const marker = join(dir, 'pwned');
    const args = ['a b', `$(touch ${marker})`, '`id`', '; echo x', "'q'", '"dq"', '*', '', '\\n', 'é ü'];
    const r = await runCommand(node, ['-e', PRINT_ARGS, ...args]);
    expect(JSON.parse(r.stdout)).toEqual(args);
    expect(r.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('returns stdout and stderr untrimmed', async () => {
    const r = await runCommand(node, ['-e', 'process.stdout.write("out\\n\\n"); process.stderr.write("err\\n")']);
    expect(r).toEqual({ stdout: 'out\n\n', stderr: 'err\n', exitCode: 0 });
  });

  it('feeds input, runs in cwd and with exactly the env given', async () => {
    const r = await runCommand(
      node,
      ['-e', 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify([s,process.cwd(),process.env.ONLY,process.env.HOME])))'],
      { input: 'hello', cwd: dir, env: { ONLY: '1' } },
    );
    expect(JSON.parse(r.stdout)).toEqual(['hello', realpathSync(dir), '1', null]);
  });

  it('a command that runs too long fails with OPERATION_TIMEOUT', async () => {
    const start = Date.now();
    const e = await rejection(runCommand(node, ['-e', 'setTimeout(() => {}, 30000)'], { timeoutMs: 300, domain: ErrorDomain.QEMU }));
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(e.code).toBe(ErrorCode.OPERATION_TIMEOUT);
    expect(e.domain).toBe(ErrorDomain.QEMU);
    expect(e.message).toMatch(/^Timed out during operation: .* did not finish within 300 ms$/);
  });

  it('a non-zero exit is an error carrying the command and its whole stderr, as libvirt keeps it', async () => {
    const e = await rejection(runCommand(node, ['-e', 'process.stderr.write("boom: bad thing\\n"); process.exit(3)']));
    expect(e.code).toBe(ErrorCode.INTERNAL_ERROR);
    expect(e.message).toMatch(/^internal error: Child process \(.*node -e .*\) unexpected exit status 3: boom: bad thing\n$/);
    const lines = await rejection(runCommand(node, ['-e', 'process.stderr.write("  first\\n\\nsecond  \\n"); process.exit(1)']));
    expect(lines.message).toMatch(/unexpected exit status 1: {3}first\n\nsecond {2}\n$/);
  });

  it('a non-zero exit without stderr names only the status', async () => {
    const e = await rejection(runCommand('/bin/false', []));
    expect(e.message).toBe('internal error: Child process (/bin/false) unexpected exit status 1');
  });

  it('okExitCodes turn an exit status into success', async () => {
    const r = await runCommand(node, ['-e', 'process.exit(3)'], { okExitCodes: [0, 3] });
    expect(r.exitCode).toBe(3);
  });

  it('a missing program is a SYSTEM_ERROR', async () => {
    const e = await rejection(runCommand('/nonexistent/tsvirt-no-such-binary', ['x'], { domain: ErrorDomain.LXC }));
    expect(e.code).toBe(ErrorCode.SYSTEM_ERROR);
    expect(e.domain).toBe(ErrorDomain.LXC);
    expect(e.message).toBe('Cannot run /nonexistent/tsvirt-no-such-binary: No such file or directory');
  });
});
