/**
 * libvirt's error on the wire (`remote_error`, the payload of a reply whose status is ERROR) and
 * its translation to and from tsvirt's VirError.
 */
import { formatErrorMessage, VirError, type ErrorCode, type ErrorDomain, type ErrorLevel } from '@tsvirt/util';
import type { remote_error } from '../generated/remote-protocol.js';

/** The detail part of a message formed by `formatErrorMessage(code, detail)`, when it has that form. */
function detailOf(code: number, message: string): string | undefined {
  const [prefix, suffix] = formatErrorMessage(code as ErrorCode, '\u0000').split('\u0000');
  if (prefix === undefined || suffix === undefined) return undefined;
  if (message.length < prefix.length + suffix.length) return undefined;
  if (!message.startsWith(prefix) || !message.endsWith(suffix)) return undefined;
  return message.slice(prefix.length, message.length - suffix.length) || undefined;
}

/** A server's error as a VirError carrying the server's code, domain, level and words. */
export function virErrorFromWire(e: remote_error): VirError {
  const message = e.message ?? formatErrorMessage(e.code as ErrorCode);
  return new VirError(e.code as ErrorCode, detailOf(e.code, message), e.domain as ErrorDomain, {
    message,
    level: e.level as ErrorLevel,
  });
}

/** A VirError (or anything thrown) as the error struct a server sends. */
export function virErrorToWire(err: unknown): remote_error {
  const e = VirError.from(err);
  return {
    code: e.code,
    domain: e.domain,
    message: e.message,
    level: e.level,
    dom: null,
    str1: e.message,
    str2: e.detail ?? null,
    str3: null,
    int1: -1,
    int2: -1,
    net: null,
  };
}
