import { mkdir, readdir, readFile } from 'node:fs/promises';
import { parseSecretXML, formatSecretXML, type SecretDef } from '@tsvirt/conf';
import { ErrorDomain, logger, removeIfExists, systemError, withFileLock, writeFileAtomic } from '@tsvirt/util';
import type { SecretObject } from './secret-object.js';
import { definitionFile, valueFile, type SecretPaths } from './secret-paths.js';

const log = logger('secret.store');
const D = ErrorDomain.SECRET;
/** Secrets are for their owner alone: the directory and every file in it. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Bad files already reported: each is logged once per process, not on every call that reads the root. */
const reported = new Set<string>();
function skipFile(path: string, why: string): void {
  if (reported.has(path)) return;
  reported.add(path);
  log.error(`skipping secret file '${path}': ${why}`);
}

async function readValue(paths: SecretPaths, uuid: string): Promise<Uint8Array | undefined> {
  const path = valueFile(paths, uuid);
  try {
    return Buffer.from(await readFile(path, 'latin1'), 'base64');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw systemError(`cannot read '${path}'`, e as NodeJS.ErrnoException, D);
  }
}

/**
 * The persistent secrets of a root, from its `<uuid>.xml` and `<uuid>.base64` files. A file that
 * cannot be read or parsed, or whose name is not its secret's UUID, is skipped with one logged
 * error, as libvirt skips it: one bad file never hides the other secrets.
 */
export async function loadPersistent(paths: SecretPaths): Promise<SecretObject[]> {
  const dir = paths.configDir;
  const names = await readdir(dir).catch((e: unknown) => {
    if (isMissing(e)) return [];
    throw systemError(`cannot open directory '${dir}'`, e as NodeJS.ErrnoException, D);
  });
  const secrets: SecretObject[] = [];
  for (const file of names.filter((n) => n.endsWith('.xml')).sort()) {
    let def: SecretDef;
    try {
      def = parseSecretXML(await readFile(`${dir}/${file}`, 'utf8'));
    } catch (e) {
      skipFile(`${dir}/${file}`, (e as Error).message);
      continue;
    }
    if (file !== `${def.uuid}.xml` || def.ephemeral) {
      skipFile(`${dir}/${file}`, def.ephemeral ? 'an ephemeral secret is never saved' : `the name is not its secret's UUID ${def.uuid}`);
      continue;
    }
    const value = await readValue(paths, def.uuid);
    secrets.push({ def, ...(value ? { value } : {}) });
  }
  return secrets;
}

/** Runs a change to the secrets of a root while holding its lock, so processes see changes whole and in turn. */
export function withSecretsLock<T>(paths: SecretPaths, fn: () => Promise<T>): Promise<T> {
  return withFileLock(paths.lockFile, fn, { domain: D });
}

async function writePrivate(paths: SecretPaths, path: string, data: string): Promise<void> {
  await mkdir(paths.configDir, { recursive: true, mode: DIR_MODE }).catch((e: unknown) => {
    throw systemError(`cannot create directory '${paths.configDir}'`, e as NodeJS.ErrnoException, D);
  });
  await writeFileAtomic(path, data, { mode: FILE_MODE, domain: D });
}

export function saveDefinition(paths: SecretPaths, def: SecretDef): Promise<void> {
  return writePrivate(paths, definitionFile(paths, def.uuid), formatSecretXML(def));
}

/** The value as libvirt 9.0 keeps it: base64 in `<uuid>.base64`, written whole or not at all. */
export function saveValue(paths: SecretPaths, uuid: string, value: Uint8Array): Promise<void> {
  return writePrivate(paths, valueFile(paths, uuid), Buffer.from(value).toString('base64'));
}

/** Removes a secret's files, its definition first (as libvirt): without it the value file is never read. */
export async function removeFiles(paths: SecretPaths, uuid: string): Promise<void> {
  await removeIfExists(definitionFile(paths, uuid), 'secret definition', D);
  await removeIfExists(valueFile(paths, uuid), 'secret value', D);
}
