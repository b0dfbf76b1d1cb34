import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { startDaemon, type DaemonProcess } from './daemon-process.js';

/** Starts the machine's libvirtd 9.0 with its QEMU driver when it is down (never stops or reconfigures a running one). */
export const LIBVIRTD_UP = resolve(dirname(fileURLToPath(import.meta.url)), '../../../driver-qemu/scripts/libvirtd-up.sh');

/**
 * Destroys and undefines every domain of a daemon whose name `mine` accepts (a run's own names):
 * what a test left behind when it failed half-way or its client was killed before its own clean-up.
 */
export function removeDomains(uri: string, mine: (name: string) => boolean): void {
  const virsh = (...args: string[]) => spawnSync('/usr/bin/virsh', ['-c', uri, ...args], { encoding: 'utf8', timeout: 60_000 });
  const names = virsh('list', '--all', '--name').stdout?.split('\n').filter((n) => n && mine(n)) ?? [];
  for (const n of names) {
    virsh('destroy', n);
    virsh('undefine', '--managed-save', n);
  }
}

/** A tsvirtd for a describe block and the machine's libvirtd beside it, the oracle. */
export interface BesideLibvirtd {
  /** The daemon under test (set once the block's beforeAll ran). */
  readonly daemon: () => DaemonProcess;
  /** Each daemon's QEMU URI. */
  readonly uris: { readonly libvirtd: string; tsvirtd: string };
  /** Debian's virsh on a URI, one command line. */
  readonly virsh: (uri: string, cmd: string) => SpawnSyncReturns<string>;
}

/**
 * Registers the block's beforeAll (tsvirtd started, libvirtd up) and afterAll (`cleanup` with each
 * daemon's URI, e.g. destroying the test's domains, then `last`, then tsvirtd stopped and its
 * directory removed).
 */
export function besideLibvirtd(cleanup: (uri: string) => void = () => undefined, last: () => void = () => undefined): BesideLibvirtd {
  let d: DaemonProcess | undefined;
  const uris = { libvirtd: 'qemu:///system', tsvirtd: '' };
  beforeAll(async () => {
    d = await startDaemon();
    uris.tsvirtd = `qemu+unix:///system?socket=${d.rw}`;
    expect(spawnSync(LIBVIRTD_UP, { stdio: 'inherit', timeout: 60_000 }).status).toBe(0);
  }, 120_000);
  afterAll(async () => {
    for (const uri of Object.values(uris)) if (uri) cleanup(uri);
    last();
    await d?.dispose();
  }, 120_000);
  return {
    daemon: () => d!,
    uris,
    virsh: (uri, cmd) => spawnSync('/usr/bin/virsh', ['-c', uri, cmd], { encoding: 'utf8', timeout: 120_000 }),
  };
}
