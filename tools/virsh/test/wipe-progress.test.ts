import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageVolWipeAlgorithm, connect, type Connection, type StoragePool } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { wipeWithProgress } from '../src/vsh/wipe-progress.js';

/** vol-wipe's bar on a real dir pool (qemu:///embed's storage driver), drawn into a fake terminal. */
const MiB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'tsvsh-wipe-'));
let conn: Connection;
let pool: StoragePool;

beforeAll(async () => {
  conn = await connect(`qemu:///embed?root=${join(work, 'root')}`);
  pool = await conn.storagePoolCreateXML(`<pool type='dir'><name>wipe</name><target><path>${work}</path></target></pool>`);
}, 30_000);
afterAll(async () => {
  await pool.destroy().catch(() => undefined);
  await conn.close();
  rmSync(work, { recursive: true, force: true });
}, 30_000);

const volXML = (name: string, bytes: number): string =>
  `<volume><name>${name}</name><capacity unit='bytes'>${bytes}</capacity><allocation unit='bytes'>${bytes}</allocation></volume>`;
/** A terminal 120 columns wide that keeps what is written to it. */
const terminal = (): { isTTY: true; columns: number; written: string[]; write(s: string): void } => {
  const written: string[] = [];
  return { isTTY: true, columns: 120, written, write: (s: string) => void written.push(s) };
};

describe('vol-wipe progress', { timeout: 30_000 }, () => {
  it('draws bytes of the volume\'s size, the rate and the ETA, ends full on its own line', async () => {
    const vol = await pool.createXML(volXML('w.raw', 4 * MiB));
    writeFileSync(join(work, 'w.raw'), Buffer.alloc(4 * MiB, 0xab));
    const tty = terminal();
    await wipeWithProgress(vol, 'w.raw', 0, tty);
    expect(readFileSync(join(work, 'w.raw')).every((b) => b === 0)).toBe(true);
    const lines = tty.written.filter((w) => w.startsWith('\r\x1b[K')).map((w) => w.slice(4));
    expect(lines[0]).toMatch(/^vol-wipe w\.raw \[-{20}\]   0% 0 B \/ 4\.0 MiB .*\/s ETA /);
    expect(lines.at(-1)).toMatch(/^vol-wipe w\.raw \[#{20}\] 100% 4\.0 MiB \/ 4\.0 MiB [\d.]+ [KMG]?i?B\/s ETA 0:00$/);
    expect(tty.written.at(-1)).toBe('\n');
    await vol.delete();
  });

  it('prints nothing when not a terminal; a refused wipe ends the bar unfilled and fails', async () => {
    const vol = await pool.createXML(volXML('q.raw', MiB));
    const pipe: string[] = [];
    await wipeWithProgress(vol, 'q.raw', 0, { isTTY: false, write: (s: string) => void pipe.push(s) });
    expect(pipe).toEqual([]);
    const tty = terminal();
    const e = await virErrorOf(wipeWithProgress(vol, 'q.raw', StorageVolWipeAlgorithm.TRIM, tty));
    expect(e.message).toBe("argument unsupported: 'trim' algorithm not supported");
    expect(tty.written.at(-2)).toContain('   0% 0 B / 1.0 MiB');
    expect(tty.written.at(-1)).toBe('\n');
    await vol.delete();
  });
});
