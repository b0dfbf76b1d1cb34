import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { defineStateFile, v } from '../src/state/index.js';

const dir = mkdtempSync(join(tmpdir(), `tsvirt-state-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Version 2 of a status: v0 had `pid` as a string, v1 made it a number, v2 added `phase`. */
const STATUS = defineStateFile({
  kind: 'test-status',
  version: 2,
  schema: v.object({ name: v.string(), pid: v.pipe(v.number(), v.integer()), phase: v.picklist(['starting', 'running']) }),
  migrate: {
    0: (d) => ({ ...(d as object), pid: Number((d as { pid: string }).pid) }),
    1: (d) => ({ ...(d as object), phase: 'running' }),
  },
  domain: ErrorDomain.QEMU,
});

function refusal(text: string): VirError {
  try {
    STATUS.parse(text, '/run/x.json');
  } catch (e) {
    if (e instanceof VirError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('versioned state files', () => {
  it('writes atomically with kind and version, and reads back', async () => {
    const path = join(dir, 'a.json');
    await STATUS.write(path, { name: 'a', pid: 12, phase: 'starting' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ tsvirt: 'test-status', version: 2, data: { name: 'a', pid: 12, phase: 'starting' } });
    expect(await STATUS.read(path)).toEqual({ name: 'a', pid: 12, phase: 'starting' });
    expect(await STATUS.read(join(dir, 'none.json'))).toBeUndefined();
  });

  it('a file read again unchanged gives equal data of its own; a changed one is read anew', async () => {
    const path = join(dir, 'again.json');
    await STATUS.write(path, { name: 'again', pid: 1, phase: 'starting' });
    const first = (await STATUS.read(path))!;
    first.pid = 99;
    const second = (await STATUS.read(path))!;
    expect(second).toEqual({ name: 'again', pid: 1, phase: 'starting' });
    expect(second).not.toBe(first);
    await STATUS.write(path, { name: 'again', pid: 2, phase: 'running' });
    expect(await STATUS.read(path)).toEqual({ name: 'again', pid: 2, phase: 'running' });
    writeFileSync(path, 'not json');
    expect(() => STATUS.parse('not json', path)).toThrow(VirError);
  });

  it('migrates older versions, the unversioned files of before included', () => {
    expect(STATUS.parse('{"name":"a","pid":"7"}', '/f')).toEqual({ name: 'a', pid: 7, phase: 'running' });
    expect(STATUS.parse('{"tsvirt":"test-status","version":1,"data":{"name":"a","pid":7}}', '/f')).toEqual({ name: 'a', pid: 7, phase: 'running' });
  });

  it('refuses a corrupt, foreign, newer or invalid file with a VirError naming it', () => {
    const cases: Array<[string, string]> = [
      ['{"name":', "invalid test-status file '/run/x.json': not JSON ("],
      ['{"tsvirt":"other","version":1,"data":{}}', "invalid test-status file '/run/x.json': it holds a other file"],
      ['{"tsvirt":"test-status","version":9,"data":{}}', "invalid test-status file '/run/x.json': version 9 is newer than this tsvirt reads (2)"],
      ['{"tsvirt":"test-status","version":-1,"data":{}}', "invalid test-status file '/run/x.json': bad version -1"],
      ['{"tsvirt":"test-status","version":"2","data":{}}', `invalid test-status file '/run/x.json': bad version "2"`],
      ['{"tsvirt":"test-status","version":2,"data":{"name":"a","pid":1.5,"phase":"running"}}', "invalid test-status file '/run/x.json': pid: "],
      ['{"tsvirt":"test-status","version":2,"data":{"name":"a","pid":1,"phase":"gone"}}', "invalid test-status file '/run/x.json': phase: "],
      ['{"tsvirt":"test-status","version":2,"data":null}', "invalid test-status file '/run/x.json': "],
      ['{"tsvirt":"test-status","version":2,"data":{"__proto__":{"x":1},"name":"a","pid":1,"phase":"running"}}', ''],
    ];
    for (const [text, start] of cases) {
      if (start === '') {
        expect(STATUS.parse(text, '/f').name).toBe('a');
        continue;
      }
      const e = refusal(text);
      expect([e.code, e.domain], text).toEqual([ErrorCode.INTERNAL_ERROR, ErrorDomain.QEMU]);
      expect(e.message.startsWith(`internal error: ${start}`), `${text}: ${e.message}`).toBe(true);
    }
  });

  it('refuses a version it has no migration from', () => {
    const strict = defineStateFile({ kind: 'k', version: 1, schema: v.object({}) });
    expect(() => strict.parse('{}', '/f')).toThrow("invalid k file '/f': version 0 cannot be read any more (no migration to 1)");
  });

  it('an unreadable path is a VirError too', async () => {
    writeFileSync(join(dir, 'd'), '');
    await expect(STATUS.read(join(dir, 'd', 'x'))).rejects.toThrow(/invalid test-status file .*cannot read it/);
  });
});
