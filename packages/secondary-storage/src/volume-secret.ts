import { ErrorCode, ErrorDomain, SecretUsageType, VirError, type Connection } from '@tsvirt/api';
import type { NewVolume } from './volume-def.js';

const D = ErrorDomain.STORAGE;

/**
 * The passphrase of a new encrypted volume, from the secret its `<encryption>` names (by UUID, or
 * by volume usage), read through the public API as any client reads it. Where the connection has
 * no secret driver the creation is refused, naming the secret: this package keeps no secrets.
 */
export async function volumePassphrase(vol: NewVolume, connect: (() => Promise<Connection>) | undefined): Promise<Uint8Array> {
  const ref = vol.encryption!.secret;
  const named = 'uuid' in ref ? `secret '${ref.uuid}'` : `the volume secret with usage '${ref.usage}'`;
  const noDriver = (): VirError => new VirError(ErrorCode.OPERATION_UNSUPPORTED,
    `cannot create encrypted volume '${vol.name}': this connection has no secret driver to read ${named} from`, D);
  if (!connect) throw noDriver();
  const conn = await connect();
  try {
    const secret = 'uuid' in ref ? await conn.secretLookupByUUIDString(ref.uuid) : await conn.secretLookupByUsage(SecretUsageType.VOLUME, ref.usage);
    return await secret.getValue();
  } catch (e) {
    if (e instanceof VirError && e.code === ErrorCode.NO_SUPPORT) throw noDriver();
    throw e;
  } finally {
    await conn.close();
  }
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
