import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchQemu } from '../src/process/qemu-launch.js';
import { domainXml, scratchRoot } from './helpers.js';

const ctx = scratchRoot();
const QEMU = '/usr/bin/qemu-system-x86_64';
const TPM = "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>";
const withEmulator = (name: string, path: string): string => domainXml(name, `<emulator>${path}</emulator>${TPM}`);

/** Every way an `<emulator>` can be unusable, with libvirt 9.0's words (checked against libvirtd's define). */
const cases = (dir: string): Array<[string, string, () => void]> => [
  ['missing', `Cannot check QEMU binary ${join(dir, 'missing')}: No such file or directory`, () => undefined],
  ['plain', `QEMU binary ${join(dir, 'plain')} is not executable: Permission denied`, () => {
    copyFileSync(QEMU, join(dir, 'plain'));
    chmodSync(join(dir, 'plain'), 0o644);
  }],
  ['folder', `QEMU binary ${join(dir, 'folder')} is not executable: Is a directory`, () => mkdirSync(join(dir, 'folder'))],
];

/** What a start of `name` could have left in the root: its status, its run directory, its TPM state. */
function traces(name: string): string[] {
  const run = join(ctx.root.dir, 'run', 'qemu');
  const left = existsSync(run) ? readdirSync(run).filter((f) => f.includes(name)) : [];
  const tpm = join(ctx.root.dir, 'lib', 'swtpm');
  return [...left, ...(existsSync(tpm) ? readdirSync(tpm) : [])];
}

describe('an <emulator> that cannot run', () => {
  it('is refused at define and create, and nothing is defined', async () => {
    const dir = join(ctx.root.dir, 'bins-define');
    mkdirSync(dir);
    for (const [name, message, make] of cases(dir)) {
      make();
      const xml = withEmulator(`emu-${name}`, join(dir, name));
      await expect(ctx.conn.defineXML(xml)).rejects.toMatchObject({ code: 38, domain: 10, message });
      await expect(ctx.conn.createXML(xml)).rejects.toMatchObject({ code: 38, message });
      await expect(ctx.conn.lookupByName(`emu-${name}`)).rejects.toMatchObject({ code: 42 });
      expect(traces(`emu-${name}`)).toEqual([]);
    }
  });

  it('is refused at start when it went away after define, leaving nothing behind', async () => {
    const dir = join(ctx.root.dir, 'bins-start');
    mkdirSync(dir);
    for (const [name, message, make] of cases(dir)) {
      const path = join(dir, name);
      copyFileSync(QEMU, path);
      chmodSync(path, 0o755);
      const dom = await ctx.conn.defineXML(withEmulator(`start-${name}`, path));
      rmSync(path);
      make();
      await expect(dom.create()).rejects.toMatchObject({ code: 38, domain: 10, message });
      await expect(dom.isActive()).resolves.toBe(false);
      expect(traces(`start-${name}`)).toEqual([]);
      await dom.undefine();
    }
  });

  it('fails a launch with an error, not a crash of this process', async () => {
    const dir = join(ctx.root.dir, 'launch');
    await expect(launchQemu({
      binary: join(dir, 'missing'), args: [], logFile: join(dir, 'log'), monitorPath: join(dir, 'monitor.sock'),
      onSpawn: () => Promise.reject(new Error('no process should exist')),
    })).rejects.toMatchObject({ code: 38, message: expect.stringContaining('ENOENT') });
  });
});
