import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '@tsvirt/util';
import type { QmpClient } from '../qmp/qmp-client.js';

const log = logger('qemu.auto-dump');

/** libvirt's short name of a running domain: its id and the first 20 characters of its name. */
function shortName(d: { id: number; name: string }): string {
  return `${d.id}-${[...d.name].slice(0, 20).join('')}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Where a crash's dump goes, as libvirt names it: `LIBDIR/dump/ID-NAME-YYYY-MM-DD-HH:MM:SS`, local time. */
export function autoDumpPath(libDir: string, d: { id: number; name: string }, now = new Date()): string {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return join(libDir, 'dump', `${shortName(d)}-${date}-${time}`);
}

/**
 * The dump of a `coredump-destroy`/`coredump-restart` crash: the guest's memory as ELF, written
 * by QEMU while the panic keeps the guest stopped. Answers whether it was written; a failure is
 * logged (libvirt's `Dump failed`), the partial file removed, and the guest left crashed.
 */
export async function autoCoreDump(mon: QmpClient, libDir: string, d: { id: number; name: string }): Promise<boolean> {
  const to = autoDumpPath(libDir, d);
  try {
    await mkdir(join(libDir, 'dump'), { recursive: true, mode: 0o700 });
    await mon.execute('dump-guest-memory', { paging: false, protocol: `file:${to}`, format: 'elf' }, 600_000);
    return true;
  } catch (e) {
    log.error(`Dump failed: ${d.name}: ${(e as Error).message}`);
    await rm(to, { force: true });
    return false;
  }
}
