import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, VirError, writeFileAtomic } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvirt-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes the content, strings and bytes', async () => {
    const p = join(dir, 'a.xml');
    await writeFileAtomic(p, '<domain/>\n');
    expect(readFileSync(p, 'utf8')).toBe('<domain/>\n');
    await writeFileAtomic(p, new Uint8Array([0, 1, 2, 255]));
    expect([...readFileSync(p)]).toEqual([0, 1, 2, 255]);
  });

  it('creates missing parent directories', async () => {
    const p = join(dir, 'x', 'y', 'z', 'b.xml');
    await writeFileAtomic(p, 'deep');
    expect(readFileSync(p, 'utf8')).toBe('deep');
  });

  it('applies the mode', async () => {
    const p = join(dir, 'mode.xml');
    await writeFileAtomic(p, 'secret', { mode: 0o600 });
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('applies a mode the umask would take bits from, and keeps it on the next write', async () => {
    const p = join(dir, 'umask.xml');
    const old = process.umask(0o077);
    try {
      await writeFileAtomic(p, 'shared', { mode: 0o644 });
      expect(statSync(p).mode & 0o777).toBe(0o644);
      await writeFileAtomic(p, 'again');
      expect(statSync(p).mode & 0o777).toBe(0o644);
    } finally {
      process.umask(old);
    }
  });

  it('durable: false (no fsync) still writes the file whole, keeping its mode', async () => {
    const p = join(dir, 'counter');
    await writeFileAtomic(p, '1\n', { mode: 0o640 });
    for (let i = 2; i < 6; i++) await writeFileAtomic(p, `${i}\n`, { durable: false });
    expect(readFileSync(p, 'utf8')).toBe('5\n');
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.startsWith('counter'))).toEqual(['counter']);
  });

  it('leaves no temporary file behind', async () => {
    const sub = join(dir, 'clean');
    for (let i = 0; i < 5; i++) await writeFileAtomic(join(sub, 'c.xml'), `v${i}`);
    expect(readdirSync(sub)).toEqual(['c.xml']);
    expect(readFileSync(join(sub, 'c.xml'), 'utf8')).toBe('v4');
  });

  it('concurrent writers never produce a torn file', async () => {
    const sub = join(dir, 'race');
    const p = join(sub, 'state.xml');
    const size = 256 * 1024;
    // Each writer writes one letter `size` times: a torn file would mix letters or be short.
    const contents = [...'ABCDEFGHIJKLMNOP'].map((c) => c.repeat(size));
    await writeFileAtomic(p, contents[0]!);
    let reading = true;
    let reads = 0;
    const bad: string[] = [];
    const reader = (async () => {
      while (reading) {
        const text = await readFile(p, 'utf8');
        reads++;
        if (text.length !== size || text !== text[0]!.repeat(size)) bad.push(`length ${text.length}, starts ${text.slice(0, 8)}`);
      }
    })();
    await Promise.all(contents.map((c) => writeFileAtomic(p, c)));
    await Promise.all(contents.map((c) => writeFileAtomic(p, c)));
    reading = false;
    await reader;
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    const final = readFileSync(p, 'utf8');
    expect(contents).toContain(final);
    expect(readdirSync(sub)).toEqual(['state.xml']);
  });

  it('writes of one file complete in the order asked for, and a file keeps its mode', async () => {
    const p = join(dir, 'order.json');
    await writeFileAtomic(p, 'first', { mode: 0o640 });
    await Promise.all(['a', 'b', 'c', 'd', 'last'].map((t) => writeFileAtomic(p, t)));
    expect(readFileSync(p, 'utf8')).toBe('last');
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.startsWith('order.json'))).toEqual(['order.json']);
  });

  it('writes through a symlink to the file it points to', async () => {
    const real = join(dir, 'real.xml');
    const link = join(dir, 'link.xml');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    await writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
  });

  it('a failure is a SYSTEM_ERROR naming the file', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    const target = join(file, 'under-a-file.xml');
    let err: unknown;
    try {
      await writeFileAtomic(target, 'x', { domain: ErrorDomain.CONF });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VirError);
    const e = err as VirError;
    expect(e.code).toBe(ErrorCode.SYSTEM_ERROR);
    expect(e.domain).toBe(ErrorDomain.CONF);
    expect(e.message).toMatch(new RegExp(`^cannot write file '${target}': (Not a directory|File exists)$`));
  });
});
