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

/** Whether a call only reads (allowed on a read-only connection) or changes something (refused there). */
export type Access = 'read' | 'write';

/** A checked lookup of `key` in a table, for the public function `api`; `'write'` calls are refused read-only. */
export type Caller<T extends object> = <K extends keyof T>(key: K, api: string, access?: Access) => ReturnType<typeof entryPoint<T, K>>;

/** Sees the access mode of every entry-point lookup (the read-only walk's test uses it); none by default. */
let accessObserver: ((key: string, access: Access) => void) | undefined;

/** Internal (not exported by the package): observe or, with undefined, stop observing lookups. */
export function observeAccess(observer: ((key: string, access: Access) => void) | undefined): void {
  accessObserver = observer;
}

/**
 * The entry-point lookup a handle uses, checking in libvirt's order: the connection (the table
 * getter may raise INVALID_CONN naming `api`), then OPERATION_DENIED for a `'write'` call when
 * read-only, then NO_SUPPORT for a missing entry.
 */
export function callerFor<T extends object>(table: (api: string) => T | undefined, readonly: () => boolean): Caller<T> {
  return <K extends keyof T>(key: K, api: string, access: Access = 'read'): ReturnType<typeof entryPoint<T, K>> => {
    accessObserver?.(String(key), access);
    try {
      const t = table(api);
      if (access === 'write') denyReadonly(readonly(), api);
      return entryPoint(t, key, api);
    } catch (e) {
      // Every entry point answers with a promise: a refusal is a rejected one, never a throw, so
      // that `call().catch(...)` in a caller sees it.
      return (() => Promise.reject(e)) as ReturnType<typeof entryPoint<T, K>>;
    }
  };
}
