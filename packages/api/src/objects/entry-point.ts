import { ErrorCode, VirError, noSupport } from '@tsvirt/util';

/** A bound call of a driver table's entry point, or libvirt's NO_SUPPORT error naming the public API. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entry points differ in signature
export function entryPoint<T extends object, K extends keyof T>(table: T | undefined, key: K, api: string): NonNullable<T[K]> & ((...a: any[]) => any) {
  const fn = table?.[key];
  if (typeof fn !== 'function') throw noSupport(api);
  return fn.bind(table) as NonNullable<T[K]> & ((...a: unknown[]) => unknown);
}

/** libvirt's refusal of a modifying call on a read-only connection. */
export function denyReadonly(readonly: boolean, api: string): void {
  if (readonly) throw new VirError(ErrorCode.OPERATION_DENIED, `read only access prevents ${api}`);
}

/**
 * The entry-point lookup a handle uses, checking in libvirt's order: the connection (the table
 * getter may raise INVALID_CONN naming `api`), then OPERATION_DENIED for a modifying call when
 * read-only, then NO_SUPPORT for a missing entry.
 */
export function callerFor<T extends object>(table: (api: string) => T | undefined, readonly: () => boolean) {
  return <K extends keyof T>(key: K, api: string, modifies = false): ReturnType<typeof entryPoint<T, K>> => {
    try {
      const t = table(api);
      if (modifies) denyReadonly(readonly(), api);
      return entryPoint(t, key, api);
    } catch (e) {
      // Every entry point answers with a promise: a refusal is a rejected one, never a throw, so
      // that `call().catch(...)` in a caller sees it.
      return (() => Promise.reject(e)) as ReturnType<typeof entryPoint<T, K>>;
    }
  };
}
