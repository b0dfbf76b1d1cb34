import { formatNetworkPortXML, formatNetworkXML, liveNetworkDef, networkSetup, type NetworkDef } from '@tsvirt/conf';
import {
  ListNetworksFlags as F, NetworkCreateFlags, NetworkDefineFlags, NetworkEventLifecycleType as E, NetworkXMLFlags, matchesFlagGroups,
  type NetworkDHCPLease, type NetworkDriver, type NetworkDriverEvent, type NetworkPortRef, type NetworkRef,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, isProcessAlive, logger, readSmallTextIfExists, writeFileAtomic } from '@tsvirt/util';
import { readLeases } from './dhcp-leases.js';
import { interfaceExists } from './host-net.js';
import { parseNewNetwork } from './network-define.js';
import { NetworkEvents } from './network-events.js';
import { createPort, deletePort, dropPorts, findPort, loadPorts, portRef } from './network-ports.js';
import { bootMarker, leaseFile, type NetworkPaths } from './network-paths.js';
import { startNetwork, stopNetwork } from './network-start.js';
import {
  isActive, loadNetworks, removeConfig, removeFile, removeStatus, saveConfig, saveStatus, setAutostartLink, withNetworksLock,
  type NetworkObject,
} from './network-store.js';
import { NetworkTable, networkRef, requireActive } from './network-table.js';
import type { NetworkStatus } from './network-status.js';
import { restartDnsmasq } from './network-reload.js';
import { updateNetwork } from './network-update-live.js';

const D = ErrorDomain.NETWORK;
const log = logger('network.driver');
const ALL_LIST_FLAGS = Object.values(F).reduce((a, b) => a | b, 0);

function listed(n: NetworkObject, flags: number): boolean {
  return matchesFlagGroups(flags, [
    [[F.ACTIVE, isActive(n)], [F.INACTIVE, !isActive(n)]],
    [[F.PERSISTENT, n.config !== undefined], [F.TRANSIENT, n.config === undefined]],
    [[F.AUTOSTART, n.autostart], [F.NO_AUTOSTART, !n.autostart]],
  ]);
}

type ActiveNetwork = NetworkObject & { status: NetworkStatus };

/** Whether an active network is still what its status file says: its bridge there, its dnsmasq alive. */
async function networkHealth(obj: ActiveNetwork): Promise<'ok' | 'gone' | 'dnsmasq-dead'> {
  if (obj.status.bridgeCreated && obj.def.bridge !== undefined && !interfaceExists(obj.def.bridge)) return 'gone';
  if (obj.status.dnsmasq && !(await isProcessAlive(obj.status.dnsmasq.pid, obj.status.dnsmasq.start))) return 'dnsmasq-dead';
  return 'ok';
}

/** A small file's trimmed text, undefined when it cannot be read; read at once, since every open (each client of a daemon) reads two. */
function readTrimmed(path: string): string | undefined {
  try {
    return readSmallTextIfExists(path)?.trim();
  } catch {
    return undefined;
  }
}
const bootId = (): string => readTrimmed('/proc/sys/kernel/random/boot_id') ?? 'unknown';

/**
 * libvirt's network driver over one root's files, for the local hypervisor connections. Every
 * call reads the files afresh; every change holds the root's lock, so every process that opens
 * the root sees the same networks, and one that opens it later finds the running ones (their
 * bridge, firewall table and dnsmasq recorded in status files) and can stop them.
 */
export class LocalNetworks implements NetworkDriver {
  private readonly events: NetworkEvents;
  constructor(readonly paths: NetworkPaths) {
    this.events = new NetworkEvents(paths);
  }

  async table(): Promise<NetworkTable> {
    return new NetworkTable(await loadNetworks(this.paths));
  }
  /** Runs a change under the root's lock, on the networks as they are once the lock is held. */
  change<T>(fn: (t: NetworkTable) => Promise<T>): Promise<T> {
    return withNetworksLock(this.paths, async () => fn(await this.table()));
  }

  /** Starts a definition and records it as running. */
  private async start(def: NetworkDef): Promise<void> {
    const status = await startNetwork(this.paths, def);
    await saveStatus(this.paths, def.name, { xml: formatNetworkXML(liveNetworkDef(def)), ...status });
  }
  /** Stops a running network; a transient one is then forgotten with its leases. */
  private async stop(obj: NetworkObject): Promise<void> {
    const running = requireActive(obj);
    await stopNetwork(this.paths, obj.def.name, running.status, obj.def.bridge);
    await dropPorts(this.paths, obj.def.name);
    await removeStatus(this.paths, obj.def.name);
    if (!obj.config) await removeFile(leaseFile(this.paths, obj.def.name), 'lease file');
  }

  /**
   * What a process does when it first opens the root: after a reboot (the boot id changed) the
   * status files describe nothing and are dropped, then the autostart networks start; otherwise
   * a network whose bridge vanished is marked stopped, and a dead dnsmasq is started again. The
   * lock is taken only when something is to be done: a look at healthy networks needs none.
   */
  async refresh(): Promise<void> {
    const boot = bootId();
    const marker = bootMarker(this.paths);
    const seen = readTrimmed(marker);
    const fresh = seen !== boot;
    if (!fresh && !(await this.anyUnhealthy((await this.table()).active()))) return;
    await this.change(async (t) => {
      for (const obj of t.active()) {
        const health = fresh ? 'gone' : await networkHealth(obj);
        if (health === 'gone') {
          log.warn(`network '${obj.def.name}' is no longer running`);
          await stopNetwork(this.paths, obj.def.name, obj.status, fresh ? undefined : obj.def.bridge).catch(() => undefined);
          await dropPorts(this.paths, obj.def.name);
          await removeStatus(this.paths, obj.def.name);
        } else if (health === 'dnsmasq-dead') {
          log.warn(`dnsmasq of network '${obj.def.name}' died; starting it again`);
          await restartDnsmasq(this.paths, obj);
        }
      }
      if (!fresh) return;
      for (const obj of (await this.table()).networks.filter((n) => n.autostart && !isActive(n))) {
        await this.start(obj.config!).catch((e: unknown) => log.warn(`cannot autostart network '${obj.def.name}': ${(e as Error).message}`));
      }
      await writeFileAtomic(marker, `${boot}\n`, { mode: 0o644, domain: D });
    });
  }
  private async anyUnhealthy(active: readonly ActiveNetwork[]): Promise<boolean> {
    for (const obj of active) if ((await networkHealth(obj)) !== 'ok') return true;
    return false;
  }

  async connectListAllNetworks(flags: number): Promise<NetworkRef[]> {
    checkFlags(flags, ALL_LIST_FLAGS, 'networkConnectListAllNetworks', D);
    return (await this.table()).networks.filter((n) => listed(n, flags)).map(networkRef);
  }
  async networkLookupByName(name: string): Promise<NetworkRef> {
    return networkRef((await this.table()).byName(name));
  }
  async networkLookupByUUID(uuid: string): Promise<NetworkRef> {
    return networkRef((await this.table()).byUUID(uuid));
  }

  async networkDefineXML(xml: string, flags: number): Promise<NetworkRef> {
    checkFlags(flags, NetworkDefineFlags.VALIDATE, 'networkDefineXML', D);
    return this.change(async (t) => {
      const def = await parseNewNetwork(xml, (flags & NetworkDefineFlags.VALIDATE) !== 0, t, false);
      await saveConfig(this.paths, def);
      const ref = networkRef({ def, autostart: false });
      await this.events.lifecycle(ref, E.DEFINED);
      return ref;
    });
  }
  async networkCreateXML(xml: string, flags: number): Promise<NetworkRef> {
    checkFlags(flags, NetworkCreateFlags.VALIDATE, 'networkCreateXML', D);
    return this.change(async (t) => {
      const def = await parseNewNetwork(xml, (flags & NetworkCreateFlags.VALIDATE) !== 0, t, true);
      await this.start(def);
      const ref = networkRef({ def, autostart: false });
      await this.events.lifecycle(ref, E.STARTED);
      return ref;
    });
  }
  /** An active network stays up as a transient one; an inactive one goes with its leases. */
  async networkUndefine(net: NetworkRef): Promise<void> {
    await this.change(async (t) => {
      const obj = t.of(net);
      if (!obj.config) throw new VirError(ErrorCode.OPERATION_INVALID, `network '${obj.def.name}' is not persistent`, D);
      await removeConfig(this.paths, obj.def.name);
      if (!isActive(obj)) await removeFile(leaseFile(this.paths, obj.def.name), 'lease file');
      await this.events.lifecycle(networkRef(obj), E.UNDEFINED);
    });
  }
  async networkCreate(net: NetworkRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'networkCreate', D);
    await this.change(async (t) => {
      const obj = t.of(net);
      if (isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'network is already active', D);
      await this.start(obj.config!);
      await this.events.lifecycle(networkRef(obj), E.STARTED);
    });
  }
  async networkDestroy(net: NetworkRef): Promise<void> {
    await this.change(async (t) => {
      const obj = t.of(net);
      await this.stop(obj);
      await this.events.lifecycle(networkRef(obj), E.STOPPED);
    });
  }

  async networkGetXMLDesc(net: NetworkRef, flags: number): Promise<string> {
    checkFlags(flags, NetworkXMLFlags.INACTIVE, 'networkGetXMLDesc', D);
    const obj = (await this.table()).of(net);
    return formatNetworkXML(flags & NetworkXMLFlags.INACTIVE && obj.config ? obj.config : obj.def);
  }
  async networkIsActive(net: NetworkRef): Promise<boolean> {
    return isActive((await this.table()).of(net));
  }
  async networkIsPersistent(net: NetworkRef): Promise<boolean> {
    return (await this.table()).of(net).config !== undefined;
  }
  async networkGetAutostart(net: NetworkRef): Promise<boolean> {
    return (await this.table()).of(net).autostart;
  }
  async networkSetAutostart(net: NetworkRef, autostart: boolean): Promise<void> {
    await this.change(async (t) => {
      const obj = t.of(net);
      if (!obj.config) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot set autostart for transient network', D);
      await setAutostartLink(this.paths, obj.def.name, autostart);
    });
  }
  async networkUpdate(net: NetworkRef, command: number, section: number, parentIndex: number, xml: string, flags: number): Promise<void> {
    await this.change(async (t) => updateNetwork(this.paths, t.of(net), command, section, parentIndex, xml, flags));
  }
  async networkListAllPorts(net: NetworkRef, flags: number): Promise<NetworkPortRef[]> {
    checkFlags(flags, 0, 'networkListAllPorts', D);
    const obj = (await this.table()).of(net);
    return (await loadPorts(this.paths, obj.def.name)).map((p) => portRef(networkRef(obj), p));
  }
  async networkPortLookupByUUID(net: NetworkRef, uuid: string): Promise<NetworkPortRef> {
    const obj = (await this.table()).of(net);
    return portRef(networkRef(obj), await findPort(this.paths, obj, uuid));
  }
  async networkPortCreateXML(net: NetworkRef, xml: string, flags: number): Promise<NetworkPortRef> {
    return this.change(async (t) => createPort(this.paths, t.of(net), xml, flags));
  }
  async networkPortGetXMLDesc(port: NetworkPortRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'networkPortGetXMLDesc', D);
    return formatNetworkPortXML(await findPort(this.paths, (await this.table()).of(port.net), port.uuid));
  }
  async networkPortDelete(port: NetworkPortRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'networkPortDelete', D);
    await this.change(async (t) => deletePort(this.paths, t.of(port.net), port.uuid));
  }
  async networkGetDHCPLeases(net: NetworkRef, mac: string | undefined, flags: number): Promise<NetworkDHCPLease[]> {
    checkFlags(flags, 0, 'networkGetDHCPLeases', D);
    const obj = (await this.table()).of(net);
    return readLeases(leaseFile(this.paths, obj.def.name), networkSetup(obj.def), mac);
  }
  async networkGetBridgeName(net: NetworkRef): Promise<string> {
    const { def } = (await this.table()).of(net);
    if (def.bridge === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `network '${def.name}' does not have a bridge name.`, D);
    return def.bridge;
  }
  async connectNetworkEventRegisterAny(net: NetworkRef | undefined, eventID: number,
    listener: (e: NetworkDriverEvent) => void): Promise<() => void> {
    return this.events.register(net, eventID, listener);
  }
}
