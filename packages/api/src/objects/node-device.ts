import type { NodeDeviceRef } from '../driver/nodedev-driver.js';
import { Handle, callOf } from './handle.js';

/** A host device handle (libvirt's virNodeDevicePtr). */
export class NodeDevice extends Handle<'nodeDevice', NodeDeviceRef> {
  static override readonly kind = 'nodeDevice';

  getName(): string {
    return this.ref.name;
  }
  /** The parent device's name; undefined for the root (`computer`). */
  async getParent(): Promise<string | undefined> {
    return callOf(this)('nodeDeviceGetParent', 'virNodeDeviceGetParent')(this.ref);
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('nodeDeviceGetXMLDesc', 'virNodeDeviceGetXMLDesc')(this.ref, flags);
  }
  async listCaps(): Promise<string[]> {
    return callOf(this)('nodeDeviceListCaps', 'virNodeDeviceListCaps')(this.ref);
  }
  async isActive(): Promise<boolean> {
    return callOf(this)('nodeDeviceIsActive', 'virNodeDeviceIsActive')(this.ref);
  }
  async isPersistent(): Promise<boolean> {
    return callOf(this)('nodeDeviceIsPersistent', 'virNodeDeviceIsPersistent')(this.ref);
  }
  async getAutostart(): Promise<boolean> {
    return callOf(this)('nodeDeviceGetAutostart', 'virNodeDeviceGetAutostart')(this.ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await callOf(this)('nodeDeviceSetAutostart', 'virNodeDeviceSetAutostart', 'write')(this.ref, autostart);
  }
  async destroy(): Promise<void> {
    await callOf(this)('nodeDeviceDestroy', 'virNodeDeviceDestroy', 'write')(this.ref);
  }
  /** Starts a defined device (virNodeDeviceCreate). */
  async create(flags = 0): Promise<void> {
    await callOf(this)('nodeDeviceCreate', 'virNodeDeviceCreate', 'write')(this.ref, flags);
  }
  async undefine(flags = 0): Promise<void> {
    await callOf(this)('nodeDeviceUndefine', 'virNodeDeviceUndefine', 'write')(this.ref, flags);
  }
  /** Detaches the device from its host driver (libvirt's spelling, virNodeDeviceDettach). */
  async dettach(): Promise<void> {
    await callOf(this)('nodeDeviceDettach', 'virNodeDeviceDettach', 'write')(this.ref);
  }
  async detachFlags(driverName: string | undefined, flags = 0): Promise<void> {
    await callOf(this)('nodeDeviceDetachFlags', 'virNodeDeviceDetachFlags', 'write')(this.ref, driverName, flags);
  }
  async reAttach(): Promise<void> {
    await callOf(this)('nodeDeviceReAttach', 'virNodeDeviceReAttach', 'write')(this.ref);
  }
  async reset(): Promise<void> {
    await callOf(this)('nodeDeviceReset', 'virNodeDeviceReset', 'write')(this.ref);
  }
}
