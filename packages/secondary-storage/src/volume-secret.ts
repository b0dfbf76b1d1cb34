import { ErrorCode, SecretUsageType, VirError, type Connection } from '@tsvirt/api';
import { secretReader } from './secret-value.js';
import type { NewVolume } from './volume-def.js';

/**
 * The passphrase of a new encrypted volume, from the secret its `<encryption>` names (by UUID, or
 * by volume usage), read through the public API as any client reads it.
 */
export function volumePassphrase(vol: NewVolume, connect: (() => Promise<Connection>) | undefined): Promise<Uint8Array> {
  return secretReader(connect)(vol.encryption!.secret, SecretUsageType.VOLUME, `create encrypted volume '${vol.name}'`);
}

/**
 * The UUID of the volume secret whose usage is `path`, undefined when there is none (or no secret
 * driver): what libvirt's refresh names in an encrypted volume's `<encryption>`.
 */
export async function volumeSecretUUID(path: string, connect: (() => Promise<Connection>) | undefined): Promise<string | undefined> {
  if (!connect) return undefined;
  const conn = await connect();
  try {
    return (await conn.secretLookupByUsage(SecretUsageType.VOLUME, path)).getUUIDString();
  } catch (e) {
    if (e instanceof VirError && (e.code === ErrorCode.NO_SECRET || e.code === ErrorCode.NO_SUPPORT)) return undefined;
    throw e;
  } finally {
    await conn.close();
  }
}
