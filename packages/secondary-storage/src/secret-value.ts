import { ErrorCode, ErrorDomain, SecretUsageType, VirError, type Connection } from '@tsvirt/api';

/** A secret as pool and volume XML name it: by UUID, or by its usage. */
export type SecretRef = { readonly uuid: string } | { readonly usage: string };

/** Reads a secret's value for `what` (the operation, for the refusal): through the public API, by UUID or by usage of `usageType` (VOLUME or ISCSI). */
export type SecretReader = (ref: SecretRef, usageType: number, what: string) => Promise<Uint8Array>;

/**
 * A SecretReader over connections to the driver's own URI: the secret is read as any client reads
 * it (on local connections that is the secret driver). Where the connection has none, or there is
 * no connection, the operation is refused naming the secret: this package keeps no secrets.
 */
export function secretReader(connect: (() => Promise<Connection>) | undefined): SecretReader {
  return async (ref, usageType, what) => {
    const kind = usageType === SecretUsageType.VOLUME ? 'volume' : 'iscsi';
    const named = 'uuid' in ref ? `secret '${ref.uuid}'` : `the ${kind} secret with usage '${ref.usage}'`;
    const noDriver = (): VirError => new VirError(ErrorCode.OPERATION_UNSUPPORTED,
      `cannot ${what}: this connection has no secret driver to read ${named} from`, ErrorDomain.STORAGE);
    if (!connect) throw noDriver();
    const conn = await connect();
    try {
      const secret = 'uuid' in ref ? await conn.secretLookupByUUIDString(ref.uuid) : await conn.secretLookupByUsage(usageType, ref.usage);
      return await secret.getValue();
    } catch (e) {
      if (e instanceof VirError && e.code === ErrorCode.NO_SUPPORT) throw noDriver();
      throw e;
    } finally {
      await conn.close();
    }
  };
}
