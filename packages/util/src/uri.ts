import { ErrorCode, ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';

/** A parsed libvirt connection URI: `driver[+transport]://[user@][host][:port]/path[?query]`. */
export interface VirURI {
  /** The URI exactly as given. */
  readonly raw: string;
  /** The driver part of the scheme: `test`, `qemu`, `lxc`, with its case (libvirt's drivers match it exactly). */
  readonly driver: string;
  /** The transport after `+` (`ssh`, `tcp`, `unix`, ...), when present. */
  readonly transport: string | undefined;
  readonly user: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** The decoded path, `/default`, `/system`, `/abs/path.xml`; empty in `qemu://` and `qemu:`, as libvirt keeps it. */
  readonly path: string;
  /** Query parameters in order; libvirt allows repeated keys. */
  readonly query: ReadonlyArray<readonly [string, string]>;
}

/** The first value of a query parameter. */
export function uriParam(uri: VirURI, key: string): string | undefined {
  return uri.query.find(([k]) => k === key)?.[1];
}

/**
 * The URI virConnectGetURI gives back for a connection a driver names `base` (its own form, such as
 * `qemu:///system` for `qemu:/system`): libvirt keeps the query the caller opened with, unknown
 * parameters, order and escapes included.
 */
export function withOpenedQuery(base: string, opened: VirURI): string {
  const own = base.indexOf('?');
  const query = opened.raw.indexOf('?');
  return `${own < 0 ? base : base.slice(0, own)}${query < 0 ? '' : opened.raw.slice(query)}`;
}

/** A URI reference as libxml2 reads it: optional scheme, optional `//authority`, path, query, fragment. */
const URI_REF = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;
/** RFC 3986's characters, with `%` only before two hex digits. */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;
const AUTHORITY = /^(?:([^@]*)@)?(\[[^\]]*\]|[^:[\]]*)(?::(\d+))?$/;

/**
 * Parses a libvirt URI as libvirt does (opaque forms such as `test:/default` too), throwing its
 * error for one that is malformed, and for one without a scheme, which names no driver.
 */
export function parseURI(raw: string): VirURI {
  const bad = (): VirError => new VirError(ErrorCode.INTERNAL_ERROR, `Unable to parse URI ${raw}`, ErrorDomain.URI);
  const m = URI_CHARS.test(raw) ? URI_REF.exec(raw) : null;
  const auth = m && AUTHORITY.exec(m[2] ?? '');
  // Without a scheme, a colon in the first path segment makes the reference invalid (RFC 3986).
  if (!m || !auth || (m[1] === undefined && /^[^/]*:/.test(m[3]!))) throw bad();
  if (m[1] === undefined) {
    throw new VirError(ErrorCode.NO_CONNECT, `URI '${raw}' does not include a driver name`, ErrorDomain.NONE);
  }
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw bad();
    }
  };
  const plus = m[1].indexOf('+');
  const host = auth[2] ? decode(auth[2]) : '';
  return {
    raw,
    driver: plus < 0 ? m[1] : m[1].slice(0, plus),
    transport: plus < 0 ? undefined : m[1].slice(plus + 1).toLowerCase(),
    user: auth[1] ? decode(auth[1]) : undefined,
    // An IPv6 address loses its brackets, as libvirt's virURIParse strips them.
    host: host === '' ? undefined : host.replace(/^\[(.*)\]$/, '$1'),
    port: auth[3] ? Number(auth[3]) : undefined,
    path: decode(m[3]!),
    query: [...new URLSearchParams(m[4] ?? '').entries()],
  };
}

/** The URI to use when the caller names none: `LIBVIRT_DEFAULT_URI`, as libvirt does. */
export function defaultURI(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const uri = env['LIBVIRT_DEFAULT_URI'];
  return uri === undefined || uri === '' ? undefined : uri;
}
