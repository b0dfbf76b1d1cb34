import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StorageVolCreateFlags } from '@tsvirt/api';
import { parseStoragePoolXML } from '@tsvirt/conf';
import { convertImageArgs, createImageArgs } from '../src/qemu-img.js';
import { imageOf } from '../src/volume-create.js';
import { parseNewVolume } from '../src/volume-def.js';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/libvirt-tests');
const { PREALLOC_METADATA } = StorageVolCreateFlags;

/**
 * libvirt's storagevolxml2argv cases for the dir pool without encryption: the expected
 * command line, the new volume, the volume it is copied from (convert) and the flags, as
 * libvirt's test pairs them.
 */
const CASES: ReadonlyArray<[argv: string, vol: string, from: string | undefined, flags: number]> = [
  ['qcow2-compat', 'vol-qcow2', undefined, 0],
  ['qcow2-1.1', 'vol-qcow2-1.1', undefined, 0],
  ['qcow2-lazy', 'vol-qcow2-lazy', undefined, 0],
  ['qcow2-clusterSize', 'vol-qcow2-clusterSize', undefined, 0],
  ['qcow2-zerocapacity', 'vol-qcow2-zerocapacity', undefined, 0],
  ['qcow2-nobacking-prealloc-compat', 'vol-qcow2-nobacking', undefined, PREALLOC_METADATA],
  ['qcow2-nobacking-convert-prealloc-compat', 'vol-qcow2-nobacking', 'vol-file', PREALLOC_METADATA],
  ['iso', 'vol-file-iso', undefined, 0],
  ['iso-input', 'vol-file', 'vol-file-iso', 0],
];

const read = (path: string): string => readFileSync(resolve(CORPUS, path), 'utf8');
/** An argv file's words: libvirt writes one argument a line, continued with backslashes. */
const words = (argv: string): string[] => argv.replace(/\\\n/g, ' ').trim().split(/\s+/);

// libvirt's test data sits beside the clone (../shared); without it the suite says why it skips, and in CI it never does.
const skipCorpus = !existsSync(CORPUS) && process.env['CI'] !== 'true';
if (skipCorpus) console.log(`qemu-img command lines: skipped, libvirt's test data is not at ${CORPUS}`);
describe.skipIf(skipCorpus)('qemu-img command lines against libvirt 9.0\'s storagevolxml2argv data', () => {
  const pool = parseStoragePoolXML(read('storage-pool/in/pool-dir.xml'));
  const vol = (name: string) => parseNewVolume(read(`storage-vol/in/${name}.xml`), pool);
  /** The path a parsed test volume names in its target. */
  const pathOf = (name: string) => /<path>([^<]+)<\/path>/.exec(read(`storage-vol/in/${name}.xml`))![1]!;

  it.each(CASES)('%s', (argv, volName, fromName, flags) => {
    const v = vol(volName);
    const img = imageOf(pathOf(volName), v, flags, v.backing);
    const args = fromName
      ? convertImageArgs({ path: pathOf(fromName), format: vol(fromName).format }, img)
      : createImageArgs(img);
    expect(['qemu-img', ...args]).toEqual(words(read(`storage-vol-commands/${argv}.argv`)));
  });

  it.each([['luks', 'vol-luks'], ['luks-cipher', 'vol-luks-cipher'], ['qcow2-luks', 'vol-qcow2-luks']])('%s (LUKS)', (argv, volName) => {
    const v = vol(volName);
    const img = imageOf(pathOf(volName), v, 0, v.backing, '/path/to/secretFile');
    expect(['qemu-img', ...createImageArgs(img)]).toEqual(words(read(`storage-vol-commands/${argv}.argv`)));
  });

  it('refuses lazy refcounts at compat 0.10 (vol-qcow2-0.10-lazy) with libvirt\'s error', () => {
    const v = vol('vol-qcow2-0.10-lazy');
    expect(() => createImageArgs(imageOf(pathOf('vol-qcow2-0.10-lazy'), v, 0, v.backing))).toThrow(
      'unsupported configuration: lazy_refcounts not supported with compat level 0.10');
  });
});
