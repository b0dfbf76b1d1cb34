import type { NetworkPortRef } from '../driver/network-driver.js';
import { Handle, callOf } from './handle.js';

/** A port of a virtual network, a guest's connection to it (libvirt's virNetworkPortPtr). */
export class NetworkPort extends Handle<'network', NetworkPortRef> {
  static override readonly kind = 'network';

  getUUIDString(): string {
    return this.ref.uuid;
  }
  getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('networkPortGetXMLDesc', 'virNetworkPortGetXMLDesc')(this.ref, flags);
  }
  async delete(flags = 0): Promise<void> {
    await callOf(this)('networkPortDelete', 'virNetworkPortDelete', 'write')(this.ref, flags);
  }
}
