import { formatNetworkXML, parseNetworkXML, updateNetworkDef } from '@tsvirt/conf';
import {
  ListNetworksFlags as F, NetworkCreateFlags, NetworkDefineFlags, NetworkEventID, NetworkEventLifecycleType as E, NetworkUpdateFlags as U,
  ObjectEventHub, matchesFlagGroups, type NetworkDriver, type NetworkDriverEvent, type NetworkRef,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { networkRef, type NetworkObject, type TestNetworks } from './network-objects.js';

const D = ErrorDomain.TEST;
const ALL_LIST_FLAGS = Object.values(F).reduce((a, b) => a | b, 0);

function listed(n: NetworkObject, flags: number): boolean {
  return matchesFlagGroups(flags, [
    [[F.ACTIVE, n.active], [F.INACTIVE, !n.active]],
    [[F.PERSISTENT, n.persistent], [F.TRANSIENT, !n.persistent]],
    [[F.AUTOSTART, n.autostart], [F.NO_AUTOSTART, !n.autostart]],
  ]);
}

/** The network event listeners of each mock host, shared by its connections. */
const hosts = new WeakMap<TestNetworks, ObjectEventHub<NetworkDriverEvent>>();

/** The network entry points of libvirt 9.0's test driver, over one host's networks. */
export class TestNetworkDriver implements NetworkDriver {
  private readonly events: ObjectEventHub<NetworkDriverEvent>;
  constructor(private readonly nets: TestNetworks) {
    const hub = hosts.get(nets) ?? new ObjectEventHub<NetworkDriverEvent>((e) => e.net.uuid);
    hosts.set(nets, hub);
    this.events = hub;
  }

  /** Raises a lifecycle event (NetworkEventLifecycleType) for the network of `obj`. */
  private lifecycle(obj: NetworkObject, event: number): void {
    this.events.raise({ net: networkRef(obj), eventID: NetworkEventID.LIFECYCLE, event, detail: 0 });
  }
  async connectNetworkEventRegisterAny(net: NetworkRef | undefined, eventID: number,
    listener: (e: NetworkDriverEvent) => void): Promise<() => void> {
    return this.events.subscribe(net?.uuid, eventID, listener);
  }

  async connectListAllNetworks(flags: number): Promise<NetworkRef[]> {
    checkFlags(flags, ALL_LIST_FLAGS, 'testConnectListAllNetworks', D);
    return this.nets.list.filter((n) => listed(n, flags)).map(networkRef);
  }
  async networkLookupByName(name: string): Promise<NetworkRef> {
    return networkRef(this.nets.byName(name));
  }
  async networkLookupByUUID(uuid: string): Promise<NetworkRef> {
    return networkRef(this.nets.byUUID(uuid));
  }

  async networkDefineXML(xml: string, flags: number): Promise<NetworkRef> {
    checkFlags(flags, NetworkDefineFlags.VALIDATE, 'testNetworkDefineXMLFlags', D);
    const obj = this.nets.assign(parseNetworkXML(xml), false);
    obj.persistent = true;
    this.lifecycle(obj, E.DEFINED);
    return networkRef(obj);
  }
  async networkCreateXML(xml: string, flags: number): Promise<NetworkRef> {
    checkFlags(flags, NetworkCreateFlags.VALIDATE, 'testNetworkCreateXMLFlags', D);
    const obj = this.nets.assign(parseNetworkXML(xml), true);
    obj.active = true;
    this.lifecycle(obj, E.STARTED);
    return networkRef(obj);
  }

  /** libvirt's test driver refuses to undefine a running network, transient or not. */
  async networkUndefine(net: NetworkRef): Promise<void> {
    const obj = this.nets.find(net);
    if (obj.active) throw new VirError(ErrorCode.OPERATION_INVALID, `Network '${obj.def.name}' is still running`, D);
    this.nets.remove(obj);
    this.lifecycle(obj, E.UNDEFINED);
  }
  async networkCreate(net: NetworkRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testNetworkCreate', D);
    const obj = this.nets.find(net);
    if (obj.active) throw new VirError(ErrorCode.OPERATION_INVALID, `Network '${obj.def.name}' is already running`, D);
    obj.active = true;
    this.lifecycle(obj, E.STARTED);
  }
  /** As libvirt 9.0's test driver: stopping an inactive network is not an error; a transient one goes away. */
  async networkDestroy(net: NetworkRef): Promise<void> {
    const obj = this.nets.find(net);
    obj.active = false;
    if (!obj.persistent) this.nets.remove(obj);
    this.lifecycle(obj, E.STOPPED);
  }

  /** The test driver knows no flag here, not even NetworkXMLFlags.INACTIVE. */
  async networkGetXMLDesc(net: NetworkRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'testNetworkGetXMLDesc', D);
    return formatNetworkXML(this.nets.find(net).def);
  }
  async networkIsActive(net: NetworkRef): Promise<boolean> {
    return this.nets.find(net).active;
  }
  async networkIsPersistent(net: NetworkRef): Promise<boolean> {
    return this.nets.find(net).persistent;
  }
  async networkGetAutostart(net: NetworkRef): Promise<boolean> {
    return this.nets.find(net).autostart;
  }
  /** Transient networks take the setting too, as in libvirt's test driver. */
  async networkSetAutostart(net: NetworkRef, autostart: boolean): Promise<void> {
    this.nets.find(net).autostart = autostart;
  }
  /**
   * As libvirt 9.0's test driver: --current means the live state of a running network and the config
   * of a stopped one; a change to the config of a running network goes to the definition kept for its
   * next start, which the test driver never uses.
   */
  async networkUpdate(net: NetworkRef, command: number, section: number, parentIndex: number, xml: string, flags: number): Promise<void> {
    checkFlags(flags, U.AFFECT_LIVE | U.AFFECT_CONFIG, 'testNetworkUpdate', D);
    const obj = this.nets.find(net);
    if (flags === U.AFFECT_CURRENT) flags = obj.active ? U.AFFECT_LIVE : U.AFFECT_CONFIG;
    if (!obj.active && flags & U.AFFECT_LIVE) throw new VirError(ErrorCode.OPERATION_INVALID, 'network is not running', ErrorDomain.NETWORK);
    if (flags & U.AFFECT_CONFIG && !obj.persistent) {
      throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot change persistent config of a transient network', ErrorDomain.NETWORK);
    }
    const live = flags & U.AFFECT_LIVE ? updateNetworkDef(obj.def, command, section, parentIndex, xml) : undefined;
    const config = flags & U.AFFECT_CONFIG ? updateNetworkDef(obj.newDef ?? obj.def, command, section, parentIndex, xml) : undefined;
    if (config && obj.active) obj.newDef = config;
    else if (config) obj.def = config;
    if (live) obj.def = live;
  }
  async networkGetBridgeName(net: NetworkRef): Promise<string> {
    const { def } = this.nets.find(net);
    if (def.bridge === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `network '${def.name}' does not have a bridge name.`, D);
    return def.bridge;
  }
}
