import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDriverImporter, connect, DomainMigrateFlags as MF } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/python3', '/usr/sbin/libvirtd'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping the migration wire tests: ${missing.join(', ')} not installed`);
const MODES = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/migrate-modes.py');
const LIBVIRTD_UP = resolve(dirname(fileURLToPath(import.meta.url)), '../../driver-qemu/scripts/libvirtd-up.sh');

/**
 * Migration's phases through tsvirtd from a driver without them (the test driver, as libvirtd's):
 * the features a client asks first, and the refusals libvirt's client (as virsh calls it) and tsvirt's give.
 */
describe.skipIf(missing.length > 0 && !ci)('migration over the wire from a driver without migration', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    d = await startDaemon();
    expect(spawnSync(LIBVIRTD_UP, { stdio: 'inherit', timeout: 60_000 }).status).toBe(0);
  }, 120_000);
  afterAll(async () => d?.dispose());

  // Debian's virsh 9.0 itself hangs now and then on `migrate` (any daemon, or none: test:///default
  // in-process too): its migration thread can quit the main loop before the main thread runs it, when
  // the migration fails at once as here. So the calls virsh makes are made directly, as it makes them.
  const modes = (uri: string, rounds: number) => {
    const r = spawnSync('/usr/bin/python3', [MODES, uri, `test+unix:///default?socket=${d.rw}`, String(rounds)], { encoding: 'utf8', timeout: 600_000 });
    expect(r.stderr).toBe('');
    return r.stdout.trim().split('\n').map((line) => line.split(' | '));
  };

  it('each mode of virsh migrate ends as on libvirtd\'s test driver (code and words)', () => {
    const ours = modes(`test+unix:///default?socket=${d.rw}`, 1);
    expect(ours).toHaveLength(6);
    expect(ours.map(([end]) => end)).toEqual(modes('test+unix:///default', 1).map(([end]) => end));
  });

  it('many opens, calls and closes through tsvirtd: every round answers within 10 s', () => {
    for (const [end, slowest] of modes(`test+unix:///default?socket=${d.rw}`, 100)) {
      expect({ end, slow: Number(slowest) >= 10 }).toEqual({ end, slow: false });
    }
  }, 600_000);

  it('tsvirt\'s client: the daemon answers MIGRATION_PARAMS no, so no phase goes out', async () => {
    addDriverImporter((s) => import(s));
    const uri = `test+unix:///default?socket=${d.rw}`;
    const [src, dst] = await Promise.all([connect(uri), connect(uri)]);
    try {
      const dom = await src.lookupByName('test');
      await expect(dom.migrate3(dst, [], MF.LIVE)).rejects.toThrow('this function is not supported by the connection driver: virDomainMigrate3');
      await expect(dom.migrateToURI3(uri, [], MF.PEER2PEER)).rejects.toThrow('argument unsupported: p2p migration is not supported by the source host');
      expect((await dom.getState())[0]).toBe(1);
    } finally {
      await Promise.all([src.close(), dst.close()]);
    }
  });
});
