import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDriverImporter, connect } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchChild } from '@tsvirt/api/testing';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const TSVIRSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tools/virsh/dist/bundle/cli.js');
const ci = process.env['CI'] === 'true';
const ready = existsSync(TSVIRSH) && existsSync('/usr/bin/qemu-system-x86_64');
if (!ready && !ci) console.log('skipping the daemon-preference tests: tsvirsh is not built or QEMU is not installed');

const xml = (name: string): string =>
  `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;

/** A tsvirsh run, killed and failing named after a minute. */
async function tsvirsh(uri: string, cmd: string, env: NodeJS.ProcessEnv = {}): Promise<{ out: string; err: string; code: number | null }> {
  const run = watchChild(`tsvirsh -c ${uri} ${cmd}`, spawn(process.execPath, [TSVIRSH, '-c', uri, cmd], { env: { ...process.env, ...env } }));
  const { code } = await run.ended(60_000);
  return { out: run.stdout, err: run.stderr, code };
}

describe.skipIf(!ready && !ci)('a client prefers the daemon serving its root', () => {
  let d: DaemonProcess;
  let uri: string;
  beforeAll(async () => {
    addDriverImporter((s) => import(s));
    d = await startDaemon([], undefined, { socketsInRunDir: true, env: { TSVIRT_LOG_LEVEL: 'info' } });
    uri = `qemu:///embed?root=${d.root}`;
  });
  afterAll(async () => d?.dispose());

  it('connect() with the root\'s own URI goes through tsvirtd, under the name given', async () => {
    const conn = await connect(uri);
    try {
      expect(conn.getURI()).toBe(uri);
      const dom = await conn.defineXML(xml('via-api'));
      expect(dom.getName()).toBe('via-api');
      expect(d.stderr()).toContain(`client opens qemu:///embed?root=`);
    } finally {
      await conn.close();
    }
  });

  it('direct (TSVIRT_DAEMON=0) and daemon clients at once: both see every definition, nothing lost', async () => {
    for (const n of ['a1', 'a2', 'a3', 'b1', 'b2', 'b3']) writeFileSync(join(d.dir, `${n}.xml`), xml(n));
    const runs = await Promise.all([
      ...['a1', 'a2', 'a3'].map((n) => tsvirsh(uri, `define ${join(d.dir, `${n}.xml`)}`, { TSVIRT_DAEMON: '0' })),
      ...['b1', 'b2', 'b3'].map((n) => tsvirsh(uri, `define ${join(d.dir, `${n}.xml`)}`)),
    ]);
    expect(runs.map((r) => r.err)).toEqual(['', '', '', '', '', '']);
    const want = 'a1\na2\na3\nb1\nb2\nb3\nvia-api\n\n';
    expect((await tsvirsh(uri, 'list --all --name', { TSVIRT_DAEMON: '0' })).out).toBe(want);
    expect((await tsvirsh(uri, 'list --all --name')).out).toBe(want);
  }, 120_000);

  it('a running domain changed directly is seen through the daemon at once (its cached state checked against the files)', async () => {
    const direct = { TSVIRT_DAEMON: '0' };
    const state = async (): Promise<string> => (await tsvirsh(uri, 'domstate c1 --reason')).out.trim();
    writeFileSync(join(d.dir, 'c1.xml'), xml('c1'));
    expect((await tsvirsh(uri, `define ${join(d.dir, 'c1.xml')}`)).err).toBe('');
    expect((await tsvirsh(uri, 'start c1')).err).toBe('');
    // twice, so the second answer comes from the daemon's cache
    expect(await state()).toBe('running (booted)');
    expect(await state()).toBe('running (booted)');
    for (const [cmd, after] of [['suspend c1', 'paused (user)'], ['resume c1', 'running (unpaused)'], ['destroy c1', 'shut off (destroyed)']] as const) {
      expect((await tsvirsh(uri, cmd, direct)).err).toBe('');
      expect(await state()).toBe(after);
    }
    expect((await tsvirsh(uri, 'list --all --name')).out).toContain('c1\n');
    expect((await tsvirsh(uri, 'undefine c1', direct)).err).toBe('');
    expect((await tsvirsh(uri, 'list --all --name')).out).not.toContain('c1\n');
  }, 120_000);

  it('a stale socket (daemon killed) is passed over: the client opens the root directly', async () => {
    await d.stop('SIGKILL');
    const r = await tsvirsh(uri, 'list --all --name');
    expect(r.err).toBe('');
    expect(r.out).toContain('via-api');
  });
});
