import { mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, VirError, isVirError } from '../src/index.js';

describe('VirError across two copies of @tsvirt/util', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-util-copy-${process.pid}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('isVirError and instanceof recognise a VirError of another copy', async () => {
    // A second copy of the built package, as a second install of it would be.
    cpSync(join(import.meta.dirname, '..', 'dist'), join(dir, 'dist'), { recursive: true });
    const other = (await import(pathToFileURL(join(dir, 'dist', 'bundle', 'index.js')).href)) as typeof import('../src/index.js');
    expect(other.VirError).not.toBe(VirError);
    const foreign = new other.VirError(ErrorCode.NO_DOMAIN, 'x');
    expect(isVirError(foreign)).toBe(true);
    expect(VirError.isVirError(foreign)).toBe(true);
    expect(foreign instanceof VirError).toBe(true);
    expect(new VirError(ErrorCode.NO_DOMAIN) instanceof other.VirError).toBe(true);
    expect(VirError.from(foreign)).toBe(foreign);
  });

  it('refuses what is not one', () => {
    for (const x of [new Error('x'), null, undefined, 1, 'VirError', { code: 1, name: 'VirError' }]) {
      expect(isVirError(x)).toBe(false);
      expect(x instanceof VirError).toBe(false);
    }
  });

  it('a subclass keeps the ordinary instanceof', () => {
    class Sub extends VirError {}
    expect(new Sub(ErrorCode.NO_DOMAIN) instanceof Sub).toBe(true);
    expect(new VirError(ErrorCode.NO_DOMAIN) instanceof Sub).toBe(false);
    expect(new Sub(ErrorCode.NO_DOMAIN) instanceof VirError).toBe(true);
  });
});
