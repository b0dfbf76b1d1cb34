import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { watchChild } from '@tsvirt/api/testing';

// libvirt's virshtest read-big-pipe: `define` reads a named pipe that carries 140 KiB of blanks
// before a small domain. The oracle cannot make a FIFO, so this compares tsvirsh with virsh here.
const cli = fileURLToPath(new URL('../dist/program/tsvirsh.cjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'read-big-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DOMAIN = "<domain type='test'><name>t2</name><memory>1048576</memory><os><type>hvm</type></os></domain>";

/** Runs one binary on a fresh FIFO that a writer fills meanwhile; resolves to stdout, stderr, status. */
function defineFromPipe(argv: string[], name: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const fifo = join(dir, name);
  execFileSync('mkfifo', [fifo]);
  const child = spawn(argv[0]!, [...argv.slice(1), '-c', 'test:///default', `define ${name}; list --all`], { cwd: dir });
  const watched = watchChild(`${argv.at(-1)} define ${name}`, child);
  const writer = createWriteStream(fifo);
  writer.end(' '.repeat(140 * 1024) + DOMAIN);
  return watched.ended(30_000).then(({ code }) => ({ stdout: watched.stdout, stderr: watched.stderr, code }));
}

describe('define from a named pipe (virshtest read-big-pipe)', { timeout: 60_000 }, () => {
  it('prints what virsh prints', async () => {
    const virsh = execFileSync('sh', ['-c', 'command -v virsh'], { encoding: 'utf8' }).trim();
    const theirs = await defineFromPipe([virsh], 'virsh.fifo');
    const ours = await defineFromPipe([process.execPath, cli], 'tsvirsh.fifo');
    expect(theirs.stdout).toContain("Domain 't2' defined from virsh.fifo");
    expect(ours.stdout).toBe(theirs.stdout.replace('virsh.fifo', 'tsvirsh.fifo'));
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.code).toBe(theirs.code);
  });
});
