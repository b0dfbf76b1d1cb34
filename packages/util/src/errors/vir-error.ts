import { getSystemErrorMap } from 'node:util';
import { ErrorCode, ErrorDomain } from './error-codes.js';
import { formatErrorMessage } from './error-messages.js';

/** libvirt's virErrorLevel. */
export const ErrorLevel = { NONE: 0, WARNING: 1, ERROR: 2 } as const;
export type ErrorLevel = (typeof ErrorLevel)[keyof typeof ErrorLevel];

/**
 * The brand every VirError carries, registered process-wide (Symbol.for), so that a VirError made
 * by another copy of @tsvirt/util (an application with two installs of it) is still recognised.
 */
const BRAND = Symbol.for('tsvirt.VirError');

/**
 * The one error type every tsvirt package throws: libvirt's virError, with its numeric code and
 * domain, and `message` formed exactly as libvirt forms it from the code and the detail.
 */
export class VirError extends Error {
  override readonly name = 'VirError';
  /** The detail that follows the code's fixed text, when there is one. */
  readonly detail: string | undefined;
  /** libvirt's error level; everything tsvirt raises is an error unless it says otherwise. */
  readonly level: ErrorLevel;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly domain: ErrorDomain = ErrorDomain.NONE,
    options?: {
      cause?: unknown;
      level?: ErrorLevel;
      /** The whole message, without the code's fixed text (libvirt's virReportInvalidArg and virCheckFlags). */
      message?: string;
    },
  ) {
    super(options?.message ?? formatErrorMessage(code, detail), options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = detail || undefined;
    this.level = options?.level ?? ErrorLevel.ERROR;
  }

  /** Name of the code, e.g. `NO_DOMAIN`, for logs and JSON output. */
  get codeName(): string {
    return Object.entries(ErrorCode).find(([, v]) => v === this.code)?.[0] ?? String(this.code);
  }

  /** Whether `e` is a VirError of any copy of @tsvirt/util. */
  static isVirError(e: unknown): e is VirError {
    return typeof e === 'object' && e !== null && (e as { [BRAND]?: unknown })[BRAND] === true;
  }

  /** `x instanceof VirError` holds across copies of @tsvirt/util too (subclasses keep the usual check). */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return this === VirError ? VirError.isVirError(x) : Function.prototype[Symbol.hasInstance].call(this, x);
  }

  /** Wraps anything thrown into a VirError, keeping VirErrors as they are. */
  static from(e: unknown, code: ErrorCode = ErrorCode.INTERNAL_ERROR, domain: ErrorDomain = ErrorDomain.NONE): VirError {
    if (VirError.isVirError(e)) return e;
    const detail = e instanceof Error ? e.message : String(e);
    return new VirError(code, detail, domain, { cause: e });
  }
}

Object.defineProperty(VirError.prototype, BRAND, { value: true });

/** Whether `e` is a VirError, from this copy of @tsvirt/util or another one. */
export const isVirError = (e: unknown): e is VirError => VirError.isVirError(e);

/** libvirt's standard "not supported by the connection driver" error for an API a driver lacks. */
export function noSupport(apiName: string, domain: ErrorDomain = ErrorDomain.NONE): VirError {
  return new VirError(ErrorCode.NO_SUPPORT, apiName, domain);
}

/** The error libvirt raises when a system call fails: the detail then the errno text. */
export function systemError(detail: string, cause: NodeJS.ErrnoException, domain: ErrorDomain = ErrorDomain.NONE): VirError {
  return new VirError(ErrorCode.SYSTEM_ERROR, `${detail}: ${errnoText(cause)}`, domain, { cause });
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EPERM: 'Operation not permitted',
  EBUSY: 'Device or resource busy',
  ENOSPC: 'No space left on device',
  EINVAL: 'Invalid argument',
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  ENOTEMPTY: 'Directory not empty',
  EFBIG: 'File too large',
  EIO: 'Input/output error',
  ENOTCONN: 'Transport endpoint is not connected',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EXDEV: 'Invalid cross-device link',
  ENOTSUP: 'Operation not supported',
  EHOSTUNREACH: 'No route to host',
};

let uvText: Map<string, string> | undefined;

/**
 * strerror() text of a Node errno error, as glibc spells it: the table above where glibc's words
 * differ from libuv's, else libuv's description with glibc's capital (`No such device or address`).
 */
export function errnoText(e: NodeJS.ErrnoException): string {
  if (!e.code) return e.message;
  const known = ERRNO_TEXT[e.code];
  if (known) return known;
  uvText ??= new Map([...getSystemErrorMap().values()]);
  const uv = uvText.get(e.code);
  return uv ? uv.charAt(0).toUpperCase() + uv.slice(1) : e.message;
}

/**
 * libvirt's virCheckFlags: refuses flag bits a function does not know. libvirt raises this one with
 * its own format, so the message carries no `invalid argument: ` prefix.
 */
export function checkFlags(flags: number, allowed: number, fn: string, domain: ErrorDomain = ErrorDomain.NONE): void {
  const unknown = (flags & ~allowed) >>> 0;
  if (unknown) {
    const text = `unsupported flags (0x${unknown.toString(16)}) in function ${fn}`;
    throw new VirError(ErrorCode.INVALID_ARG, text, domain, { message: text });
  }
}
