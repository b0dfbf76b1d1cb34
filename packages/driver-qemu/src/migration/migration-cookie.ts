import { hostname } from 'node:os';
import type { MigrationCookie } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DriverPaths } from '../state/driver-paths.js';
import { hostUuid } from './host-uuid.js';
import type { CopiedDisk } from './storage-precreate.js';

/** What one side tells the other through the client (libvirt's `<qemu-migration>` cookie, as JSON). */
export interface CookieData {
  readonly hostname: string;
  readonly hostuuid: string;
  /** The source's statistics of the finished job, handed to the destination. */
  readonly stats?: Record<string, number>;
  /**
   * Storage migration (libvirt's `<nbd>`): from the source, the disks it will copy and their
   * sizes; from the destination, the port of the NBD server it started (none on a UNIX socket).
   */
  readonly nbd?: { readonly disks?: readonly CopiedDisk[]; readonly port?: number };
}

/** This root's cookie, with `extra` fields. */
export async function makeCookie(paths: DriverPaths, extra: Partial<CookieData> = {}): Promise<MigrationCookie> {
  const data: CookieData = { hostname: hostname(), hostuuid: await hostUuid(paths), ...extra };
  return new TextEncoder().encode(JSON.stringify(data));
}

/** The other side's cookie; an empty one says nothing. */
export function readCookie(cookie: MigrationCookie): Partial<CookieData> {
  if (cookie.length === 0) return {};
  try {
    return JSON.parse(new TextDecoder().decode(cookie)) as Partial<CookieData>;
  } catch {
    throw new VirError(ErrorCode.INTERNAL_ERROR, 'cannot parse migration cookie', ErrorDomain.QEMU);
  }
}

/** libvirt's refusal of a migration whose two ends are one host (the same root). */
export async function checkOtherHost(paths: DriverPaths, cookie: Partial<CookieData>): Promise<void> {
  const local = await hostUuid(paths);
  if (cookie.hostuuid === local) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `Attempt to migrate guest to the same host ${local}`, ErrorDomain.QEMU);
  }
}
