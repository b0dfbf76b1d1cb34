import { mkdir, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ErrorDomain } from './errors/error-codes.js';
import { systemError } from './errors/vir-error.js';

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Removes a file; one already gone is not an error. `what` names it in the message. */
export async function removeIfExists(path: string, what: string, domain: ErrorDomain): Promise<void> {
  await unlink(path).catch((e: unknown) => {
    if (!isMissing(e)) throw systemError(`cannot remove ${what} '${path}'`, e as NodeJS.ErrnoException, domain);
  });
}

/** Makes or removes an autostart link to a definition file (libvirt's autostart directories). */
export async function setAutostartSymlink(link: string, target: string, on: boolean, domain: ErrorDomain): Promise<void> {
  await removeIfExists(link, 'autostart link', domain);
  if (!on) return;
  await mkdir(dirname(link), { recursive: true });
  await symlink(target, link).catch((e: unknown) => {
    throw systemError(`Failed to create symlink '${link}' to '${target}'`, e as NodeJS.ErrnoException, domain);
  });
}
