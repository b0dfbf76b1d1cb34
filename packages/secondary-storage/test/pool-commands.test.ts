import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStoragePoolXML } from '@tsvirt/conf';
import { groupOf } from '../src/logical/logical-backend.js';
import { vgchangeArgs } from '../src/logical/lvm.js';
import { mountArgs } from '../src/pool-mount.js';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/libvirt-tests');

/** libvirt's storagepoolxml2argv cases for logical pools: the pool and its expected `vgchange` at start. */
const LOGICAL_CASES: readonly string[] = ['pool-logical', 'pool-logical-create', 'pool-logical-noname', 'pool-logical-nopath'];

/** libvirt's storagepoolxml2argv cases for fs and netfs pools on Linux: the pool and its expected `mount`. */
const CASES: ReadonlyArray<[pool: string, argv: string]> = [
  ['pool-fs', 'pool-fs-linux'],
  ['pool-netfs', 'pool-netfs-linux'],
  ['pool-netfs-auto', 'pool-netfs-auto-linux'],
  ['pool-netfs-cifs', 'pool-netfs-cifs-linux'],
  ['pool-netfs-gluster', 'pool-netfs-gluster-linux'],
  ['pool-netfs-ns-mountopts', 'pool-netfs-ns-mountopts-linux'],
  ['pool-netfs-protocol-ver', 'pool-netfs-protocol-ver-linux'],
];

const read = (path: string): string => readFileSync(resolve(CORPUS, path), 'utf8');
const words = (argv: string): string[] => argv.replace(/\\\n/g, ' ').trim().split(/\s+/);

// libvirt's test data sits beside the clone (../shared); without it the suite says why it skips, and in CI it never does.
const skipCorpus = !existsSync(CORPUS) && process.env['CI'] !== 'true';
if (skipCorpus) console.log(`pool command lines: skipped, libvirt's test data is not at ${CORPUS}`);
describe.skipIf(skipCorpus)('mount and vgchange command lines against libvirt 9.0\'s storagepoolxml2argv data', () => {
  it.each(CASES)('%s', (pool, argv) => {
    const def = parseStoragePoolXML(read(`storage-pool/in/${pool}.xml`));
    expect(['mount', ...mountArgs(def)]).toEqual(words(read(`storage-pool-commands/${argv}.argv`)));
  });
  it.each(LOGICAL_CASES)('%s', (pool) => {
    const def = parseStoragePoolXML(read(`storage-pool/in/${pool}.xml`));
    expect(['vgchange', ...vgchangeArgs(groupOf(def), true)]).toEqual(words(read(`storage-pool-commands/${pool}.argv`)));
  });
});
