import { ErrorDomain } from '@tsvirt/util';
import type { NetworkDHCPLease, NetworkRef } from '../driver/network-driver.js';
import { Handle, callOf } from './handle.js';
import { NetworkPort } from './network-port.js';
import { uuidArg } from './uuid-arg.js';

/** A virtual network handle (libvirt's virNetworkPtr). */
export class Network extends Handle<'network', NetworkRef> {
  static override readonly kind = 'network';

  getName(): string {
    return this.ref.name;
  }
  getUUIDString(): string {
    return this.ref.uuid;
  }
  async create(flags = 0): Promise<void> {
    await callOf(this)('networkCreate', 'virNetworkCreate', 'write')(this.ref, flags);
  }
  async destroy(): Promise<void> {
    await callOf(this)('networkDestroy', 'virNetworkDestroy', 'write')(this.ref);
  }
  async undefine(): Promise<void> {
    await callOf(this)('networkUndefine', 'virNetworkUndefine', 'write')(this.ref);
  }
  getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('networkGetXMLDesc', 'virNetworkGetXMLDesc')(this.ref, flags);
  }
  isActive(): Promise<boolean> {
    return callOf(this)('networkIsActive', 'virNetworkIsActive')(this.ref);
  }
  isPersistent(): Promise<boolean> {
    return callOf(this)('networkIsPersistent', 'virNetworkIsPersistent')(this.ref);
  }
  getAutostart(): Promise<boolean> {
    return callOf(this)('networkGetAutostart', 'virNetworkGetAutostart')(this.ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await callOf(this)('networkSetAutostart', 'virNetworkSetAutostart', 'write')(this.ref, autostart);
  }
  getBridgeName(): Promise<string> {
    return callOf(this)('networkGetBridgeName', 'virNetworkGetBridgeName')(this.ref);
  }
  /** virNetworkUpdate: `xml` is the element added, changed or matched (NetworkUpdateCommand, NetworkUpdateSection, NetworkUpdateFlags). */
  async update(command: number, section: number, parentIndex: number, xml: string, flags = 0): Promise<void> {
    await callOf(this)('networkUpdate', 'virNetworkUpdate', 'write')(this.ref, command, section, parentIndex, xml, flags);
  }
  async getDHCPLeases(mac?: string, flags = 0): Promise<NetworkDHCPLease[]> {
    return callOf(this)('networkGetDHCPLeases', 'virNetworkGetDHCPLeases')(this.ref, mac, flags);
  }
  async listAllPorts(flags = 0): Promise<NetworkPort[]> {
    const refs = await callOf(this)('networkListAllPorts', 'virNetworkListAllPorts')(this.ref, flags);
    return refs.map((r) => new NetworkPort(this.conn, r));
  }
  /** libvirt checks the text first, then asks the driver through virNetworkPortLookupByUUID. */
  async portLookupByUUIDString(uuid: string): Promise<NetworkPort> {
    const canonical = uuidArg(uuid, 'virNetworkPortLookupByUUIDString', ErrorDomain.NETWORK);
    return new NetworkPort(this.conn, await callOf(this)('networkPortLookupByUUID', 'virNetworkPortLookupByUUID')(this.ref, canonical));
  }
  async portCreateXML(xml: string, flags = 0): Promise<NetworkPort> {
    return new NetworkPort(this.conn, await callOf(this)('networkPortCreateXML', 'virNetworkPortCreateXML', 'write')(this.ref, xml, flags));
  }
}
