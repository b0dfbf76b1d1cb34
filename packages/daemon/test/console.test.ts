import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDriverImporter, connect, type Connection } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxRootfs, consoleRoundTrip, containersMissing, echoContainerXML } from '@tsvirt/api/testing';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const skip = process.env['CI'] === 'true' ? undefined : containersMissing();
if (skip) console.log(`console tests through tsvirtd skipped: ${skip}`);
const PY_CONSOLE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'py-console.py');

describe.skipIf(skip)('a container console through tsvirtd (REMOTE_PROC_DOMAIN_OPEN_CONSOLE, a stream both ways)', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirtd-console-${process.pid}-`));
  let d: DaemonProcess;
  let uri: string;
  let conn: Connection;
  beforeAll(async () => {
    addDriverImporter((s) => import(s));
    d = await startDaemon();
    uri = `lxc+unix:///system?socket=${d.rw}`;
    conn = await connect(uri);
  });
  afterAll(async () => {
    for (const dom of await conn.listAllDomains(1).catch(() => [])) await dom.destroy().catch(() => undefined);
    await conn?.close();
    await d?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a tsvirt client writes to the console, reads the echo, and the container\'s end ends the stream', async () => {
    const dom = await conn.createXML(echoContainerXML(`c${process.pid}a`, busyboxRootfs(join(dir, 'a'))));
    expect(await consoleRoundTrip(await dom.openConsole(), 'ping', () => dom.destroy())).toEqual({ echoed: true, ended: true });
  });

  it('python3-libvirt opens it too: sends, receives, finishes', async () => {
    const name = `c${process.pid}b`;
    await conn.createXML(echoContainerXML(name, busyboxRootfs(join(dir, 'b'))));
    const r = spawnSync('/usr/bin/python3', [PY_CONSOLE, uri, name], { encoding: 'utf8', timeout: 60_000 });
    expect([r.stdout, r.stderr]).toEqual(['got:pong\n', '']);
    // the daemon kept serving after the client's finish
    expect((await conn.lookupByName(name)).getName()).toBe(name);
  });
});
