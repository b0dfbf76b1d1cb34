import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDriverImporter, connect, DomainMigrateFlags as MF } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/virsh', '/usr/sbin/libvirtd'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping the migration wire tests: ${missing.join(', ')} not installed`);
const LIBVIRTD_UP = resolve(dirname(fileURLToPath(import.meta.url)), '../../driver-qemu/scripts/libvirtd-up.sh');

/**
 * Migration's phases through tsvirtd from a driver without them (the test driver, as libvirtd's):
 * the features a client asks first, and the refusals virsh and tsvirt's client then give.
 */
describe.skipIf(missing.length > 0 && !ci)('migration over the wire from a driver without migration', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    d = await startDaemon();
    expect(spawnSync(LIBVIRTD_UP, { stdio: 'inherit', timeout: 60_000 }).status).toBe(0);
  }, 120_000);
  afterAll(async () => d?.dispose());

  it('virsh migrate prints what it prints from libvirtd\'s test driver, for each mode', () => {
    const dest = `test+unix:///default?socket=${d.rw}`;
    for (const opts of [[], ['--live'], ['--p2p'], ['--p2p', '--tunnelled'], ['--tunnelled'], ['--offline', '--persistent']]) {
      const run = (uri: string) => spawnSync('/usr/bin/virsh', ['-c', uri, 'migrate', ...opts, 'test', dest], { encoding: 'utf8', timeout: 60_000 });
      const ours = run(dest);
      const theirs = run('test+unix:///default');
      expect({ opts, out: ours.stdout, err: ours.stderr, status: ours.status }).toEqual({ opts, out: theirs.stdout, err: theirs.stderr, status: theirs.status });
    }
  });

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
