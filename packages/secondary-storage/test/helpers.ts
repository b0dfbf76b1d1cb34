import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { addDriverImporter, connect, type Connection, type ConnectionDriver, type SecretDriver } from '@tsvirt/api';

/**
 * A stand-in for the QEMU driver: it answers qemu:// URIs with no entry points, so the
 * connection's storage calls reach this package's driver alone (a driver's tests may not load
 * another driver).
 */
const hypervisorStub: { driver: ConnectionDriver } = {
  driver: { name: 'QEMU', schemes: ['qemu'], localOnly: true, open: async () => ({ ...stubTables, close: async () => undefined }) },
};

/**
 * Tables the stand-in hypervisor connection offers besides: a test sets `secret` to stand in for
 * a secret driver (a driver's tests load no other driver), so that the storage driver's
 * lookups through the public API find one.
 */
export const stubTables: { secret?: SecretDriver } = {};

addDriverImporter(async (specifier) => {
  if (specifier === '@tsvirt/secondary-storage') return import('../src/index.js');
  if (specifier === '@tsvirt/driver-qemu') return hypervisorStub;
  return undefined;
});

/** A fresh embed root in a temporary directory, a connection to it, and its removal. */
export interface EmbedRoot {
  readonly root: string;
  readonly uri: string;
  readonly conn: Connection;
  /** A path under the root for a pool's directory. */
  dir(name: string): string;
  remove(): Promise<void>;
}

export async function openEmbedRoot(): Promise<EmbedRoot> {
  const root = mkdtempSync(join(tmpdir(), 'tsvirt-storage-'));
  const uri = `qemu:///embed?root=${root}`;
  const conn = await connect(uri);
  return {
    root,
    uri,
    conn,
    dir: (name) => join(root, 'pools', name),
    remove: async () => {
      await conn.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An embed root for the tests of one file: opened before them, removed after them. */
export function embedRootForFile(): () => EmbedRoot {
  let root: EmbedRoot | undefined;
  beforeAll(async () => {
    root = await openEmbedRoot();
  }, 30_000);
  afterAll(async () => {
    await root?.remove();
  }, 30_000);
  return () => root!;
}

/** A minimal dir pool definition. */
export const dirPoolXML = (name: string, path: string, extra = ''): string =>
  `<pool type='dir'><name>${name}</name><target><path>${path}</path>${extra}</target></pool>`;

/** A minimal volume definition: capacity in bytes, format and other `<target>` content optional. */
export const volXML = (name: string, capacity: number | bigint, target = '', extra = ''): string =>
  `<volume><name>${name}</name><capacity unit='bytes'>${capacity}</capacity>${target ? `<target>${target}</target>` : ''}${extra}</volume>`;

/**
 * A loop device over a new sparse image of `bytes` under the root, or undefined where the host
 * lets us make none (not root, no loop devices): the tests that need one skip then.
 */
export function makeLoopDevice(root: string, name: string, bytes: number): string | undefined {
  const image = join(root, name);
  writeFileSync(image, '');
  truncateSync(image, bytes);
  try {
    return execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/**
 * A loop device for a test, or undefined after skipping it with the reason where the host can make
 * none; with CI=true the test fails instead, as an issue's feature may not skip there.
 */
export function loopDeviceOrSkip(ctx: { skip(note: string): void }, root: string, name: string, bytes: number): string | undefined {
  const loop = makeLoopDevice(root, name, bytes);
  if (loop) return loop;
  if (process.env['CI'] === 'true') throw new Error('losetup cannot make a loop device, and CI needs one');
  ctx.skip('losetup cannot make a loop device here');
  return undefined;
}

export function removeLoopDevice(loop: string | undefined): void {
  if (loop) execFileSync('losetup', ['-d', loop]);
}
