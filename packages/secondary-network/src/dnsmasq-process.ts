import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, ErrorDomain, VirError, isProcessAlive, processStartTime } from '@tsvirt/util';
import { runTool } from './host-command.js';

const D = ErrorDomain.NETWORK;

/** A running dnsmasq, told from a later process that reuses its pid by its start time. */
export interface DnsmasqProcess {
  readonly pid: number;
  readonly start: string;
}

/**
 * Starts Debian's dnsmasq on a config file; it daemonizes after binding and writing its pid file
 * (`pid-file=` in the config). Leases go to `leases` so that `net-dhcp-leases` can read them.
 */
export async function startDnsmasq(conf: string, pidFile: string, leases: string): Promise<DnsmasqProcess> {
  await runTool('dnsmasq', [`--conf-file=${conf}`, `--dhcp-leasefile=${leases}`]);
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  const start = await processStartTime(pid);
  if (!Number.isInteger(pid) || pid <= 0 || start === undefined) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `dnsmasq did not leave a running process in '${pidFile}'`, D);
  }
  return { pid, start };
}

/** Stops a dnsmasq (SIGTERM, then SIGKILL after 5 s) and waits until it is gone. */
export async function stopDnsmasq(p: DnsmasqProcess): Promise<void> {
  if (!(await isProcessAlive(p.pid, p.start))) return;
  process.kill(p.pid, 'SIGTERM');
  for (let i = 0; i < 500 && (await isProcessAlive(p.pid, p.start)); i++) {
    if (i === 499) process.kill(p.pid, 'SIGKILL');
    await sleep(10);
  }
}

/** Asks a dnsmasq to re-read its hosts files (SIGHUP). */
export async function reloadDnsmasq(p: DnsmasqProcess): Promise<boolean> {
  if (!(await isProcessAlive(p.pid, p.start))) return false;
  process.kill(p.pid, 'SIGHUP');
  return true;
}
