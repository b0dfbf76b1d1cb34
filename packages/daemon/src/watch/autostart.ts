import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListDomainsFlags, ListNetworksFlags, type Connection } from '@tsvirt/api';
import { logger, writeFileAtomic } from '@tsvirt/util';

const log = logger('daemon.autostart');

/** The kernel's id of this boot: a new one means the host rebooted. */
async function bootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
}

/**
 * Starts the autostart networks, then domains, once per host boot (as libvirtd does on its first
 * start after a boot): a marker in the run directory records the boot that did it, so a daemon
 * restarted later (or after kill -9) starts nothing again. Failures are logged, never fatal.
 */
export async function autostartOncePerBoot(conn: Connection, runDir: string): Promise<string[]> {
  const marker = join(runDir, 'tsvirtd-autostarted');
  const boot = await bootId();
  if ((await readFile(marker, 'utf8').catch(() => '')).trim() === boot) return [];
  const started: string[] = [];
  const nets = await conn.listAllNetworks(ListNetworksFlags.INACTIVE | ListNetworksFlags.AUTOSTART).catch(() => []);
  for (const n of nets) {
    await n.create().then(() => started.push(`network ${n.getName()}`), (e: Error) => log.error(`autostart of network '${n.getName()}': ${e.message}`));
  }
  const doms = await conn.listAllDomains(ListDomainsFlags.INACTIVE | ListDomainsFlags.AUTOSTART).catch(() => []);
  for (const d of doms) {
    await d.create().then(() => started.push(`domain ${d.getName()}`), (e: Error) => log.error(`autostart of domain '${d.getName()}': ${e.message}`));
  }
  await writeFileAtomic(marker, `${boot}\n`);
  return started;
}
