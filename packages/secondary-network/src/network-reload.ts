import { networkSetup } from '@tsvirt/conf';
import { startDnsmasq } from './dnsmasq-process.js';
import { dnsmasqConfFile, leaseFile, pidFile, type NetworkPaths } from './network-paths.js';
import { writeDnsmasqFiles } from './network-start.js';
import { saveStatus, type NetworkObject } from './network-store.js';
import type { NetworkStatus } from './network-status.js';

/** Starts a running network's dnsmasq again from its live definition, and records the new process. */
export async function restartDnsmasq(paths: NetworkPaths, obj: NetworkObject & { status: NetworkStatus }): Promise<void> {
  const setup = networkSetup(obj.def);
  await writeDnsmasqFiles(paths, setup);
  const dnsmasq = await startDnsmasq(dnsmasqConfFile(paths, setup.name), pidFile(paths, setup.name), leaseFile(paths, setup.name));
  await saveStatus(paths, setup.name, { ...obj.status, dnsmasq });
}
