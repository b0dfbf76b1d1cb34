import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addDriverImporter, connect } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { echoGuestXml, echoImage } from './helpers/echo-guest.js';
import { startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const missing = ['/usr/bin/qemu-system-x86_64'].filter((p) => !existsSync(p));
const skip = process.env['CI'] === 'true' || missing.length === 0 ? undefined : `missing ${missing.join(', ')}`;
if (skip) console.log(`QEMU console through tsvirtd skipped: ${skip}`);

describe.skipIf(skip)('a QEMU console through tsvirtd (REMOTE_PROC_DOMAIN_OPEN_CONSOLE on a pty)', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    addDriverImporter((s) => import(s));
    d = await startDaemon();
    echoImage(join(d.dir, 'echo.img'));
  });
  afterAll(() => d?.dispose(), 60_000);

  it('a tsvirt client reaches the guest and back; a second session is refused; an abort leaves the daemon serving', async () => {
    const conn = await connect(`qemu+unix:///system?socket=${d.rw}`);
    const dom = await conn.createXML(echoGuestXml(`con${process.pid}`, join(d.dir, 'echo.img')));
    onTestFinished(async () => {
      await dom.destroy().catch(() => undefined);
      await conn.close();
    });
    const con = await dom.openConsole();
    let got = '';
    con.on('data', (b: Buffer) => (got += b.toString('latin1')));
    await waitFor(() => (con.write('ping'), got.includes('PING')), 60_000, 'the guest\'s answer');
    await expect(dom.openConsole()).rejects.toThrow('operation failed: Active console session exists for this domain');
    con.destroy();

    // the daemon outlived the client's abort, and the console is free again
    (await dom.openConsole()).destroy();
  }, 120_000);
});
