import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDriverImporter, connect, ConnectCloseReason, type Connection } from '@tsvirt/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const PY_CLOSE = resolve(dirname(fileURLToPath(import.meta.url)), '../../remote/test/fixtures/py-close-callback.py');

describe('close callbacks through tsvirtd (CONNECT_REGISTER_CLOSE_CALLBACK)', () => {
  const daemons: DaemonProcess[] = [];
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.dispose()));
  });
  const daemon = async () => {
    const d = await startDaemon();
    daemons.push(d);
    return { d, uri: `test+unix:///default?socket=${d.rw}` };
  };

  it('tsvirtd killed -9: a tsvirt client\'s callback gets EOF once, its event iterators end', async () => {
    addDriverImporter((s) => import(s));
    const { d, uri } = await daemon();
    const conn = await connect(uri);
    const reasons: number[] = [];
    let closed: (r: number) => void = () => undefined;
    const first = new Promise<number>((ok) => (closed = ok));
    // registered before the kill: tsvirtd may answer a later call first
    await conn.registerCloseCallback((c: Connection, r) => {
      expect(c).toBe(conn);
      reasons.push(r);
      closed(r);
    });
    const pending = conn.domainEvents().next();
    await conn.getHostname();
    await d.stop('SIGKILL');
    expect(await first).toBe(ConnectCloseReason.EOF);
    expect(await pending).toEqual({ value: undefined, done: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(reasons).toEqual([ConnectCloseReason.EOF]);
    await conn.close();
  });

  it('python3-libvirt registers through tsvirtd and sees the same reason when it is killed', async () => {
    const { d, uri } = await daemon();
    const py = spawnSync('/usr/bin/python3', [PY_CLOSE, uri, String(d.child.pid)], { encoding: 'utf8', timeout: 30_000 });
    expect(py.stdout).toBe(`reason ${ConnectCloseReason.EOF}\n`);
  });
});
