import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, DomainMigrateFlags as MF, type Connection } from '@tsvirt/api';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('migration tests');
/** `nobody`: session libvirtd instances with their QEMU driver keep QEMU's state in their own directories. */
const NOBODY = 65534;
const TSVIRSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tsvirsh');
if (!existsSync('/usr/bin/qemu-system-x86_64')) console.log('migration through libvirtd: QEMU is not installed');

const running = async (conn: Connection, name: string): Promise<number | undefined> =>
  (await conn.lookupByName(name).catch(() => undefined))?.getState().then((s) => s[0]);

/**
 * The five v3 phases with parameters carried by the remote driver between two libvirtd (real QEMU,
 * TCG; each its own host UUID, as two hosts): the client runs Begin, Prepare, Perform, Finish,
 * Confirm itself, or with PEER2PEER the source's libvirtd reaches the destination.
 */
suite('migration between two libvirtd through the remote driver', { timeout: 180_000 }, () => {
  const daemons: PrivateLibvirtd[] = [];
  const uris: string[] = [];
  const conns: Connection[] = [];
  const name = `mig${process.pid}`;
  beforeAll(async () => {
    for (const n of [1, 2]) {
      const d = await startLibvirtd(`host_uuid = "7d1f0c2e-5b7a-4c52-9a11-0000000000${String(n).padStart(2, '0')}"`, { drivers: ['qemu'], uid: NOBODY });
      daemons.push(d);
      uris.push(`qemu+unix:///session?socket=${d.socket}`);
      conns.push(await connect(uris.at(-1)!));
    }
  });
  afterAll(async () => {
    for (const c of conns) {
      const dom = await c.lookupByName(name).catch(() => undefined);
      await dom?.destroy().catch(() => undefined);
      await c.close();
    }
    for (const d of daemons) await d.stop();
  });

  it('offline, live (the client runs the phases), then back peer to peer; tsvirsh migrate like virsh', async () => {
    const [a, b] = conns as [Connection, Connection];
    const defined = await a.defineXML(`<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory>
      <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`);
    // offline: the definition only
    const offline = await defined.migrate3(b, [], MF.OFFLINE | MF.PERSIST_DEST);
    expect(offline.getName()).toBe(name);
    expect(await running(b, name)).toBe(5);
    await b.lookupByName(name).then((d) => d.undefine());
    // live: QEMU's state goes across; the source's transient run ends, its definition stays
    await defined.create();
    const there = await defined.migrate3(b, [], MF.LIVE);
    expect(await there.getState()).toEqual([1, 2]); // running (migrated)
    expect(await running(a, name)).toBe(5);
    // back peer to peer: libvirtd on b opens a's URI and runs Prepare and Finish there
    await there.migrateToURI3(uris[0]!, [], MF.LIVE | MF.PEER2PEER);
    expect(await running(a, name)).toBe(1);
    expect(await running(b, name)).toBeUndefined();
    // tsvirsh over the remote driver: the same command virsh runs, the same (empty) output
    const r = spawnSync(TSVIRSH, ['-c', uris[0]!, `migrate --live ${name} ${uris[1]}`], { encoding: 'utf8', timeout: 120_000 });
    expect({ out: r.stdout, err: r.stderr, status: r.status }).toEqual({ out: '\n', err: '', status: 0 });
    expect(await running(b, name)).toBe(1);
  });
});
