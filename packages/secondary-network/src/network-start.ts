import { mkdir, readFile } from 'node:fs/promises';
import { networkSetup, type NetworkDef, type NetworkSetup } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, logger, writeFileAtomic } from '@tsvirt/util';
import { dnsmasqConfig } from './dnsmasq-conf.js';
import { addnHostsText } from './dnsmasq-hosts.js';
import { startDnsmasq, stopDnsmasq } from './dnsmasq-process.js';
import { firewallRules } from './firewall-rules.js';
import { bridgeCommands, checkRouteCollision, deleteBridge, enableForwarding, interfaceExists, ipBatch } from './host-net.js';
import { clearBandwidth, hasBandwidth, setBandwidth } from './network-bandwidth.js';
import { dnsmasqConfFile, leaseFile, pidFile, type NetworkPaths } from './network-paths.js';
import type { NetworkStatus } from './network-status.js';
import { removeFile } from './network-store.js';
import { firewallTable, installFirewall, removeFirewall } from './nft-firewall.js';

const D = ErrorDomain.NETWORK;
const log = logger('network.start');
const CAP_NET_ADMIN = 12n;

/** Whether this process may make bridges: root, or a process holding CAP_NET_ADMIN. */
async function mayManageLinks(): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const eff = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1];
  return eff !== undefined && ((BigInt(`0x${eff}`) >> CAP_NET_ADMIN) & 1n) === 1n;
}

/** Whether a network needs dnsmasq: it has addresses, and serves DHCP or DNS (libvirt's rule). */
export function needsDnsmasq(def: NetworkSetup): boolean {
  if (def.ips.length === 0) return false;
  return def.dns.enable || def.ips.some((i) => i.ranges.length > 0 || i.hosts.length > 0);
}

/** Writes dnsmasq's config, hosts and extra-hosts files for a network (world-readable: dnsmasq drops to its own user). */
export async function writeDnsmasqFiles(paths: NetworkPaths, def: NetworkSetup): Promise<void> {
  const cfg = dnsmasqConfig(def, { dir: paths.dnsmasqDir, pidFile: pidFile(paths, def.name) });
  await mkdir(paths.dnsmasqDir, { recursive: true, mode: 0o755 });
  const hosts = cfg.hostsLines.map((l) => `${l}\n`).join('');
  await writeFileAtomic(cfg.hostsFile, hosts, { mode: 0o644, domain: D });
  await writeFileAtomic(cfg.addnHostsFile, addnHostsText(def.dns), { mode: 0o644, domain: D });
  await writeFileAtomic(dnsmasqConfFile(paths, def.name), cfg.conf, { mode: 0o644, domain: D });
}

/** Removes the files dnsmasq ran with (the leases stay until the network is undefined). */
export async function removeDnsmasqFiles(paths: NetworkPaths, name: string): Promise<void> {
  for (const suffix of ['conf', 'hostsfile', 'addnhosts']) await removeFile(`${paths.dnsmasqDir}/${name}.${suffix}`, 'dnsmasq file');
  await removeFile(pidFile(paths, name), 'pid file');
}

const SUPPORTED = new Set([undefined, 'nat', 'route', 'open', 'bridge']);

function checkStartable(def: NetworkSetup): void {
  if (!SUPPORTED.has(def.forwardMode)) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `forward mode '${def.forwardMode}' of network '${def.name}' is not supported by this driver`, D);
  }
}

/**
 * Brings a network up: its bridge with addresses, MTU, MAC and routes, forwarding, the nftables
 * table and dnsmasq. Each step registers its undo first, and a failure undoes what was done, so
 * a failed start leaves no bridge, rule, process or file behind.
 */
export async function startNetwork(paths: NetworkPaths, def: NetworkDef): Promise<Omit<NetworkStatus, 'xml'>> {
  const setup = networkSetup(def);
  checkStartable(setup);
  if (setup.forwardMode === 'bridge') {
    // A host bridge: libvirt shapes it all the same, clearing what was there first.
    if (!hasBandwidth(setup.bandwidth)) return { bridgeCreated: false };
    await setBandwidth(setup.bridge!, setup.bandwidth, false);
    return { bridgeCreated: false, bandwidth: true };
  }
  if (!paths.privileged && !(await mayManageLinks())) {
    throw new VirError(ErrorCode.OPERATION_DENIED,
      `cannot start network '${setup.name}': making bridge '${setup.bridge}' needs CAP_NET_ADMIN, which this unprivileged process lacks`, D);
  }
  const br = setup.bridge!;
  if (interfaceExists(br)) throw new VirError(ErrorCode.SYSTEM_ERROR, `error creating bridge interface ${br}: File exists`, D);
  await checkRouteCollision(setup);
  const undo: Array<() => Promise<void>> = [];
  try {
    undo.push(() => deleteBridge(br));
    await ipBatch(bridgeCommands(setup, br));
    if (setup.forwardMode === 'nat' || setup.forwardMode === 'route') await enableForwarding(setup);
    const rules = firewallRules(setup);
    const table = rules.length > 0 ? firewallTable(setup.uuid) : undefined;
    const bandwidth = hasBandwidth(setup.bandwidth);
    let dnsmasq: NetworkStatus['dnsmasq'];
    // The firewall (then tc) and dnsmasq need only the bridge: they start side by side.
    await settled([
      (async () => {
        if (table !== undefined) {
          undo.push(() => removeFirewall(table));
          await installFirewall(table, rules);
        }
        // Deleting the bridge takes its qdiscs with it: no undo of its own.
        if (bandwidth) await setBandwidth(br, setup.bandwidth!, true);
      })(),
      (async () => {
        if (!needsDnsmasq(setup)) return;
        undo.push(() => removeDnsmasqFiles(paths, setup.name));
        await writeDnsmasqFiles(paths, setup);
        const started = await startDnsmasq(dnsmasqConfFile(paths, setup.name), pidFile(paths, setup.name), leaseFile(paths, setup.name));
        undo.push(() => stopDnsmasq(started));
        dnsmasq = started;
      })(),
    ]);
    return { bridgeCreated: true, ...(dnsmasq ? { dnsmasq } : {}), ...(table !== undefined ? { firewall: table } : {}), ...(bandwidth ? { bandwidth } : {}) };
  } catch (e) {
    for (const u of undo.reverse()) await u().catch((err: unknown) => log.warn(`rollback of network '${setup.name}': ${(err as Error).message}`));
    throw e;
  }
}

/** Takes a network down: dnsmasq, its firewall table and the bridge we made (side by side), then dnsmasq's files. */
export async function stopNetwork(paths: NetworkPaths, name: string, status: NetworkStatus, bridge: string | undefined): Promise<void> {
  const { dnsmasq, firewall } = status;
  await settled([
    dnsmasq && stopDnsmasq(dnsmasq),
    firewall !== undefined && removeFirewall(firewall),
    bridge !== undefined && (status.bridgeCreated ? deleteBridge(bridge) : status.bandwidth && clearBandwidth(bridge)),
  ]);
  await removeDnsmasqFiles(paths, name);
}

/** Waits for every step, then fails with the first failure, so that no step is still running when a rollback starts. */
async function settled(steps: ReadonlyArray<Promise<void> | false | undefined>): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
