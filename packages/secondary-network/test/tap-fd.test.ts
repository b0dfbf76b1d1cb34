import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHost, sh } from './netns.js';

const RUNNER = join(import.meta.dirname, 'fixtures', 'tap-runner.mjs');

describe('the tap helper: a tap by descriptor, to QEMU at start and over QMP', () => {
  let host: TestHost;
  let dir: string;
  let helper: string;
  beforeAll(() => {
    host = new TestHost();
    dir = mkdtempSync(join(tmpdir(), 'tsvirt-tapfd-'));
    helper = join(dir, 'tsvirt-tap-fd');
    execFileSync(process.env['CC'] || 'cc', ['-O2', '-static', '-Wall', '-Werror', '-o', helper, join(import.meta.dirname, '../helper/tap-fd.c')]);
  });
  afterAll(() => {
    host.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens, hands over and releases taps inside a namespace', () => {
    const out = JSON.parse(sh('ip', ['netns', 'exec', host.ns, process.execPath, RUNNER, helper, dir]));
    expect(out.open).toMatchObject({ type: 'tap', goneAfterClose: true });
    expect(out.open.name).toMatch(/^tf[0-9a-z]+0$/);
    expect(out.tooLong).toEqual([38, `Unable to create tap device '${'x'.repeat(16)}': File name too long`]);
    expect(out.start.network).toMatch(/net0: index=0,type=tap,fd=3/);
    expect(out.start).toMatchObject({ heldByQemu: 'tap', goneWithQemu: true });
    expect(out.hotplug.getfd).toEqual({ return: {} });
    expect(out.hotplug.netdevAdd).toEqual({ return: {} });
    expect(out.hotplug.network).toMatch(/hot0: index=0,type=tap,fd=\d+/);
    expect(out.hotplug).toMatchObject({ heldByQemu: 'tap', goneWithQemu: true });
    expect(out.leftover).toBe(false);
  }, 120_000);
});
