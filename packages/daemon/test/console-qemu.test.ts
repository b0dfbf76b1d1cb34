import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDriverImporter, connect } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const missing = ['/usr/bin/qemu-system-x86_64'].filter((p) => !existsSync(p));
const skip = process.env['CI'] === 'true' || missing.length === 0 ? undefined : `missing ${missing.join(', ')}`;
if (skip) console.log(`QEMU console through tsvirtd skipped: ${skip}`);

/** driver-qemu's console test guest: a boot sector answering each byte on COM1 with its case swapped. */
const ECHO_CODE = Buffer.from('bafd03eca80174fbbaf803ec3420eeebef', 'hex');

function echoImage(path: string): void {
  const sector = Buffer.alloc(512);
  ECHO_CODE.copy(sector);
  sector.writeUInt16LE(0xaa55, 510);
  writeFileSync(path, sector);
}

const guestXml = (name: string, img: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='hda' bus='ide'/></disk>
  <serial type='pty'><target port='0'/></serial><console type='pty'><target type='serial' port='0'/></console></devices></domain>`;

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
    const dom = await conn.createXML(guestXml(`con${process.pid}`, join(d.dir, 'echo.img')));
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
