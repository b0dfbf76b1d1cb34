import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainXml, TestRoot } from './helpers.js';
import { qemuMissing } from './qemu-run.js';
import { tsvirsh, type VirshRun } from './tsvirsh.js';

const CLI = fileURLToPath(new URL('../../../tools/virsh/dist/bundle/cli.js', import.meta.url));
let a: TestRoot;
let b: TestRoot;

beforeAll(() => {
  a = new TestRoot();
  b = new TestRoot();
});
afterAll(async () => {
  await a.cleanup();
  await b.cleanup();
});

/** tsvirsh in the background, its output gathered until it exits. */
function background(uri: string, ...args: string[]): Promise<VirshRun> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, '-c', uri, ...args]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}

async function until(fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never met');
}

describe('tsvirsh migrate between two embed roots', () => {
  it('migrate --live --verbose prints virsh\'s progress; the domain runs on the destination', async () => {
    if (qemuMissing()) return;
    const file = join(a.dir, 'tv1.xml');
    writeFileSync(file, domainXml('tv1'));
    expect((await tsvirsh(a.uri, 'create', file)).code).toBe(0);
    const r = await tsvirsh(a.uri, 'migrate', '--live', '--verbose', '--bandwidth', '40', 'tv1', b.uri);
    expect(r).toMatchObject({ code: 0, stdout: '\n' });
    // as virsh 9.0 prints it: the progress on stderr, its line ended by stdout's newline
    expect(r.stderr).toMatch(/^(\rMigration: \[ {0,2}\d{1,3} %\])*\rMigration: \[100 %\]$/);
    expect((await tsvirsh(b.uri, 'domstate', '--reason', 'tv1')).stdout).toBe('running (migrated)\n\n');
    expect((await tsvirsh(a.uri, 'list', '--all', '--name')).stdout).toBe('\n');
    const completed = await tsvirsh(b.uri, 'domjobinfo', '--completed', 'tv1');
    expect(completed.stdout).toMatch(/^Job type: +Completed/);
    expect(completed.stdout).toContain('Memory total:');
  });

  it('peer to peer with --persistent --undefinesource, and the refusals in virsh\'s words', async () => {
    if (qemuMissing()) return;
    expect(await tsvirsh(b.uri, 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', 'tv1', a.uri)).toMatchObject({ code: 0, stderr: '' });
    expect((await tsvirsh(a.uri, 'dominfo', 'tv1')).stdout).toMatch(/Persistent: +yes/);
    const host = readFileSync(join(a.dir, 'etc', 'qemu', 'host-uuid'), 'utf8').trim();
    expect(await tsvirsh(a.uri, 'migrate', '--live', 'tv1', a.uri)).toMatchObject({
      code: 1, stderr: `error: internal error: Attempt to migrate guest to the same host ${host}\n`,
    });
    expect(await tsvirsh(a.uri, 'migrate', '--offline', 'tv1', b.uri)).toMatchObject({
      code: 1, stderr: 'error: Requested operation is not valid: offline migration must be specified with the persistent flag set\n',
    });
  });

  it('domjobinfo and domjobabort from other processes; the tunables', async () => {
    if (qemuMissing()) return;
    const file = join(a.dir, 'tv3.xml');
    // 2 GiB: at 1 MiB/s its (untouched) memory takes about 8 s to send
    writeFileSync(file, domainXml('tv3').replace("<memory unit='MiB'>64</memory>", "<memory unit='MiB'>2048</memory>"));
    expect((await tsvirsh(a.uri, 'create', file)).code).toBe(0);
    expect((await tsvirsh(a.uri, 'migrate-getspeed', 'tv3')).stdout).toBe('8796093022207\n\n');
    expect((await tsvirsh(a.uri, 'migrate-setmaxdowntime', 'tv3', '400')).code).toBe(0);
    expect((await tsvirsh(a.uri, 'migrate-getmaxdowntime', 'tv3')).stdout).toBe('400\n\n');
    expect((await tsvirsh(a.uri, 'migrate-setspeed', 'tv3', '1')).code).toBe(0);
    expect((await tsvirsh(a.uri, 'migrate-getspeed', 'tv3')).stdout).toBe('1\n\n');
    const migrating = background(a.uri, 'migrate', '--live', 'tv3', b.uri);
    await until(async () => (await tsvirsh(a.uri, 'domjobinfo', 'tv3')).stdout.startsWith('Job type:         Unbounded'));
    const info = await tsvirsh(a.uri, 'domjobinfo', 'tv3');
    expect(info.stdout).toMatch(/Data processed: +[\d.]+ [KM]iB\n/);
    expect(await tsvirsh(a.uri, 'domjobabort', 'tv3')).toMatchObject({ code: 0, stderr: '' });
    expect(await migrating).toMatchObject({ code: 1, stderr: "error: operation aborted: job 'migration out' canceled by client\n" });
    expect((await tsvirsh(a.uri, 'domstate', 'tv3')).stdout).toBe('running\n\n');
    expect((await tsvirsh(b.uri, 'list', '--all', '--name')).stdout).toBe('\n');
    expect(b.statuses()).toEqual([]);
    await tsvirsh(a.uri, 'destroy', 'tv3');
  });
});
