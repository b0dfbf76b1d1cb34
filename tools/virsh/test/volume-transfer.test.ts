import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const tsvirsh = join(dirname(fileURLToPath(import.meta.url)), 'oracle', 'tsvirsh-node.sh');
const root = mkdtempSync(join(tmpdir(), 'tsvsh-transfer-'));
const uri = `qemu:///embed?root=${root}`;
const dir = join(root, 'pools', 'xfer');
const MiB = 1024 * 1024;

function run(cmd: string): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(tsvirsh, ['-c', uri, cmd], { encoding: 'utf8', timeout: 120_000 });
}
/** tsvirsh on a terminal: `script` gives it a pty and copies what it draws. */
function runOnTerminal(cmd: string): string {
  const line = ['stty', 'cols', '120;', tsvirsh, '-c', uri, cmd].map((a, i) => (i < 3 ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
  return spawnSync('script', ['-qfec', line, '/dev/null'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, COLUMNS: '120' } }).stdout;
}

/** A 32 MiB file with data in its first and last MiB and a hole between. */
function sparseFile(path: string): Buffer {
  writeFileSync(path, '');
  truncateSync(path, 32 * MiB);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(MiB, 0x41), 0, MiB, 0);
  writeSync(fd, Buffer.alloc(MiB, 0x42), 0, MiB, 31 * MiB);
  closeSync(fd);
  return readFileSync(path);
}
const allocated = (path: string): number => statSync(path).blocks * 512;

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('tsvirsh vol-upload and vol-download against the local storage driver', { timeout: 180_000 }, () => {
  it('--sparse keeps holes both ways; no progress bar when stderr is not a terminal', () => {
    expect(run(`pool-create-as xfer dir --target ${dir} --build`).status).toBe(0);
    const src = join(root, 'src.img');
    const content = sparseFile(src);
    expect(run('vol-create-as xfer v.raw 0')).toMatchObject({ status: 0 });
    expect(run(`vol-upload v.raw ${src} --pool xfer --sparse`)).toMatchObject({ stdout: '\n', stderr: '', status: 0 });
    expect(readFileSync(join(dir, 'v.raw')).equals(content)).toBe(true);
    expect(allocated(join(dir, 'v.raw'))).toBeLessThanOrEqual(3 * MiB);

    const out = join(root, 'out.img');
    expect(run(`vol-download v.raw ${out} --pool xfer --sparse`)).toMatchObject({ stdout: '\n', stderr: '', status: 0 });
    expect(readFileSync(out).equals(content)).toBe(true);
    expect(allocated(out)).toBeLessThanOrEqual(3 * MiB);

    const plain = join(root, 'plain.img');
    expect(run(`vol-download v.raw ${plain} --pool xfer --offset ${31 * MiB} --length 10`).status).toBe(0);
    expect(readFileSync(plain).toString()).toBe('B'.repeat(10));
  });

  it('on a terminal: a progress bar with bytes, rate and ETA for upload, download, clone and wipe', () => {
    const src = join(root, 'src.img');
    const down = runOnTerminal(`vol-download v.raw ${join(root, 'tty.img')} --pool xfer`);
    expect(down).toMatch(/vol-download v\.raw \[#{20}\] 100% 32\.0 MiB \/ 32\.0 MiB [\d.]+ [KMG]?i?B\/s ETA 0:00/);
    const up = runOnTerminal(`vol-upload v.raw ${src} --pool xfer`);
    expect(up).toMatch(/vol-upload v\.raw \[#{20}\] 100% 32\.0 MiB \/ 32\.0 MiB/);
    const clone = runOnTerminal('vol-clone v.raw copy.raw --pool xfer');
    expect(clone).toMatch(/copy v\.raw to copy\.raw \[#{20}\] 100%/);
    expect(clone).toContain('Vol copy.raw cloned from v.raw');
    const wipe = runOnTerminal('vol-wipe copy.raw --pool xfer');
    expect(wipe).toMatch(/vol-wipe copy\.raw \[#{20}\] 100% ([\d.]+ MiB) \/ \1 [\d.]+ [KMG]?i?B\/s ETA 0:00/);
    expect(wipe).toContain('Vol copy.raw wiped');
  });
});
