import type { NetworkPortRef } from '../driver/network-driver.js';
import { callerFor } from './entry-point.js';
import type { NetworkOwner } from './network.js';

/** A port of a virtual network, a guest's connection to it (libvirt's virNetworkPortPtr). */
export class NetworkPort {
  constructor(readonly conn: NetworkOwner, readonly ref: NetworkPortRef) {}

  private readonly call = callerFor(() => this.conn.network, () => this.conn.readonly);

  getUUIDString(): string {
    return this.ref.uuid;
  }
  getXMLDesc(flags = 0): Promise<string> {
    return this.call('networkPortGetXMLDesc', 'virNetworkPortGetXMLDesc')(this.ref, flags);
  }
  async delete(flags = 0): Promise<void> {
    await this.call('networkPortDelete', 'virNetworkPortDelete', true)(this.ref, flags);
  }
}
