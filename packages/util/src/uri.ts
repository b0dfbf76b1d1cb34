import { ErrorCode, ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';

/** A parsed libvirt connection URI: `driver[+transport]://[user@][host][:port]/path[?query]`. */
export interface VirURI {
  /** The URI exactly as given. */
  readonly raw: string;
  /** The driver part of the scheme: `test`, `qemu`, `lxc`. */
  readonly driver: string;
  /** The transport after `+` (`ssh`, `tcp`, `unix`, ...), when present. */
  readonly transport: string | undefined;
  readonly user: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** The decoded path, `/default`, `/system`, `/abs/path.xml`; `/` when empty. */
  readonly path: string;
  /** Query parameters in order; libvirt allows repeated keys. */
  readonly query: ReadonlyArray<readonly [string, string]>;
}

/** The first value of a query parameter. */
export function uriParam(uri: VirURI, key: string): string | undefined {
  return uri.query.find(([k]) => k === key)?.[1];
}

const SCHEME = /^([A-Za-z][A-Za-z0-9.-]*)(?:\+([A-Za-z0-9.-]+))?:\/\//;

/** Parses a libvirt URI, throwing libvirt's error for one that is malformed. */
export function parseURI(raw: string): VirURI {
  const scheme = SCHEME.exec(raw);
  let url: URL | undefined;
  try {
    url = scheme ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  const bad = (): VirError => new VirError(ErrorCode.INTERNAL_ERROR, `Unable to parse URI ${raw}`, ErrorDomain.URI);
  if (!scheme || !url) throw bad();
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw bad();
    }
  };
  const port = url.port === '' ? undefined : Number(url.port);
  return {
    raw,
    driver: scheme[1]!.toLowerCase(),
    transport: scheme[2]?.toLowerCase(),
    user: url.username === '' ? undefined : decode(url.username),
    // An IPv6 address loses its brackets, as libvirt's virURIParse strips them.
    host: url.hostname === '' ? undefined : url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    path: url.pathname === '' ? '/' : decode(url.pathname),
    query: [...url.searchParams.entries()],
  };
}

/** The URI to use when the caller names none: `LIBVIRT_DEFAULT_URI`, as libvirt does. */
export function defaultURI(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const uri = env['LIBVIRT_DEFAULT_URI'];
  return uri === undefined || uri === '' ? undefined : uri;
}
