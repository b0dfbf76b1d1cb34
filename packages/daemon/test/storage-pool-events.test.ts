import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@tsvirt/api';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const PYTHON = '/usr/bin/python3';
const hasLibvirt = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import libvirt']).status === 0;
if (!hasLibvirt && process.env['CI'] !== 'true') console.log('skipping storage pool events: /usr/bin/python3 cannot import libvirt (apt install python3-libvirt)');

/**
 * A python3-libvirt client subscribed to every pool's lifecycle and refresh events, running
 * pool-define, pool-start, pool-refresh, pool-destroy and pool-undefine on a dir pool: prints each
 * event as it arrives (`lifecycle NAME EVENT DETAIL`, `refresh NAME`).
 */
const SCRIPT = `
import sys, threading, time, libvirt
uri, path = sys.argv[1], sys.argv[2]
libvirt.virEventRegisterDefaultImpl()
def loop():
    while True:
        libvirt.virEventRunDefaultImpl()
threading.Thread(target=loop, daemon=True).start()
c = libvirt.open(uri)
seen = []
c.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, lambda c, p, e, d, o: seen.append('lifecycle %s %d %d' % (p.name(), e, d)), None)
c.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH, lambda c, p, o: seen.append('refresh %s' % p.name()), None)
p = c.storagePoolDefineXML("<pool type='dir'><name>evpool</name><target><path>%s</path></target></pool>" % path)
p.create()
p.refresh()
p.destroy()
p.undefine()
deadline = time.time() + 10
while len(seen) < 5 and time.time() < deadline:
    time.sleep(0.05)
time.sleep(0.3)
print('\\n'.join(seen))
`;

describe.skipIf(!hasLibvirt && process.env['CI'] !== 'true')('storage pool events through tsvirtd', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    d = await startDaemon();
  }, 120_000);
  afterAll(async () => d?.dispose());

  it('define, start, refresh, destroy, undefine arrive in order with libvirt\'s event and detail numbers', () => {
    const poolDir = join(d.dir, 'evpool');
    mkdirSync(poolDir);
    const run = (uri: string): { stdout: string; stderr: string } =>
      spawnSync(PYTHON, ['-c', SCRIPT, uri, poolDir], { encoding: 'utf8', timeout: 60_000 });
    const r = run(`qemu+unix:///system?socket=${d.rw}`);
    expect(r.stderr).toBe('');
    // VIR_STORAGE_POOL_EVENT_DEFINED 0, STARTED 2, STOPPED 3, UNDEFINED 1; detail 0 each
    expect(r.stdout).toBe(['lifecycle evpool 0 0', 'lifecycle evpool 2 0', 'refresh evpool', 'lifecycle evpool 3 0', 'lifecycle evpool 1 0', ''].join('\n'));
    // libvirt's own (its test driver, in the client's process) raises the same
    expect(run('test:///default').stdout).toBe(r.stdout);
  }, 90_000);
});

describe('a volume wipe through tsvirtd', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    d = await startDaemon();
  }, 120_000);
  afterAll(async () => d?.dispose());

  it('wipes with the onProgress option given; the protocol carries no progress, so it is never called', async () => {
    const poolDir = join(d.dir, 'wipe');
    mkdirSync(poolDir);
    const conn = await connect(`qemu+unix:///system?socket=${d.rw}`);
    try {
      const pool = await conn.storagePoolCreateXML(`<pool type='dir'><name>wipe</name><target><path>${poolDir}</path></target></pool>`);
      const vol = await pool.createXML("<volume><name>w.raw</name><capacity unit='bytes'>2097152</capacity><allocation unit='bytes'>2097152</allocation></volume>");
      writeFileSync(join(poolDir, 'w.raw'), Buffer.alloc(2 * 1024 * 1024, 0xab));
      const heard: bigint[] = [];
      await vol.wipe(0, { onProgress: (done) => heard.push(done) });
      expect(readFileSync(join(poolDir, 'w.raw')).every((b) => b === 0)).toBe(true);
      expect(heard).toEqual([]);
      await pool.destroy();
    } finally {
      await conn.close();
    }
  }, 60_000);
});
