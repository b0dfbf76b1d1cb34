import { ErrorDomain } from '@tsvirt/util';
import type { NetworkDHCPLease, NetworkDriver, NetworkRef } from '../driver/network-driver.js';
import { callerFor } from './entry-point.js';
import { NetworkPort } from './network-port.js';
import { uuidArg } from './uuid-arg.js';

export interface NetworkOwner {
  readonly network: NetworkDriver | undefined;
  readonly readonly: boolean;
}

/** A virtual network handle (libvirt's virNetworkPtr). */
export class Network {
  constructor(readonly conn: NetworkOwner, readonly ref: NetworkRef) {}

  private readonly call = callerFor(() => this.conn.network, () => this.conn.readonly);

  getName(): string {
    return this.ref.name;
  }
  getUUIDString(): string {
    return this.ref.uuid;
  }
  async create(flags = 0): Promise<void> {
    await this.call('networkCreate', 'virNetworkCreate', true)(this.ref, flags);
  }
  async destroy(): Promise<void> {
    await this.call('networkDestroy', 'virNetworkDestroy', true)(this.ref);
  }
  async undefine(): Promise<void> {
    await this.call('networkUndefine', 'virNetworkUndefine', true)(this.ref);
  }
  getXMLDesc(flags = 0): Promise<string> {
    return this.call('networkGetXMLDesc', 'virNetworkGetXMLDesc')(this.ref, flags);
  }
  isActive(): Promise<boolean> {
    return this.call('networkIsActive', 'virNetworkIsActive')(this.ref);
  }
  isPersistent(): Promise<boolean> {
    return this.call('networkIsPersistent', 'virNetworkIsPersistent')(this.ref);
  }
  getAutostart(): Promise<boolean> {
    return this.call('networkGetAutostart', 'virNetworkGetAutostart')(this.ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await this.call('networkSetAutostart', 'virNetworkSetAutostart', true)(this.ref, autostart);
  }
  getBridgeName(): Promise<string> {
    return this.call('networkGetBridgeName', 'virNetworkGetBridgeName')(this.ref);
  }
  /** virNetworkUpdate: `xml` is the element added, changed or matched (NetworkUpdateCommand, NetworkUpdateSection, NetworkUpdateFlags). */
  async update(command: number, section: number, parentIndex: number, xml: string, flags = 0): Promise<void> {
    await this.call('networkUpdate', 'virNetworkUpdate', true)(this.ref, command, section, parentIndex, xml, flags);
  }
  async getDHCPLeases(mac?: string, flags = 0): Promise<NetworkDHCPLease[]> {
    return this.call('networkGetDHCPLeases', 'virNetworkGetDHCPLeases')(this.ref, mac, flags);
  }
  async listAllPorts(flags = 0): Promise<NetworkPort[]> {
    const refs = await this.call('networkListAllPorts', 'virNetworkListAllPorts')(this.ref, flags);
    return refs.map((r) => new NetworkPort(this.conn, r));
  }
  /** libvirt checks the text first, then asks the driver through virNetworkPortLookupByUUID. */
  async portLookupByUUIDString(uuid: string): Promise<NetworkPort> {
    const canonical = uuidArg(uuid, 'virNetworkPortLookupByUUIDString', ErrorDomain.NETWORK);
    return new NetworkPort(this.conn, await this.call('networkPortLookupByUUID', 'virNetworkPortLookupByUUID')(this.ref, canonical));
  }
  async portCreateXML(xml: string, flags = 0): Promise<NetworkPort> {
    return new NetworkPort(this.conn, await this.call('networkPortCreateXML', 'virNetworkPortCreateXML', true)(this.ref, xml, flags));
  }
}
