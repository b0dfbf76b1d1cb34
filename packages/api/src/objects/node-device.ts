import type { NodeDeviceDriver, NodeDeviceRef } from '../driver/nodedev-driver.js';
import { callerFor } from './entry-point.js';

export interface NodeDeviceOwner {
  readonly nodeDevice: NodeDeviceDriver | undefined;
  readonly readonly: boolean;
}

/** A host device handle (libvirt's virNodeDevicePtr). */
export class NodeDevice {
  constructor(readonly conn: NodeDeviceOwner, readonly ref: NodeDeviceRef) {}

  private readonly call = callerFor(() => this.conn.nodeDevice, () => this.conn.readonly);

  getName(): string {
    return this.ref.name;
  }
  /** The parent device's name; undefined for the root (`computer`). */
  async getParent(): Promise<string | undefined> {
    return this.call('nodeDeviceGetParent', 'virNodeDeviceGetParent')(this.ref);
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return this.call('nodeDeviceGetXMLDesc', 'virNodeDeviceGetXMLDesc')(this.ref, flags);
  }
  async listCaps(): Promise<string[]> {
    return this.call('nodeDeviceListCaps', 'virNodeDeviceListCaps')(this.ref);
  }
  async isActive(): Promise<boolean> {
    return this.call('nodeDeviceIsActive', 'virNodeDeviceIsActive')(this.ref);
  }
  async isPersistent(): Promise<boolean> {
    return this.call('nodeDeviceIsPersistent', 'virNodeDeviceIsPersistent')(this.ref);
  }
  async getAutostart(): Promise<boolean> {
    return this.call('nodeDeviceGetAutostart', 'virNodeDeviceGetAutostart')(this.ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await this.call('nodeDeviceSetAutostart', 'virNodeDeviceSetAutostart', true)(this.ref, autostart);
  }
  async destroy(): Promise<void> {
    await this.call('nodeDeviceDestroy', 'virNodeDeviceDestroy', true)(this.ref);
  }
  /** Starts a defined device (virNodeDeviceCreate). */
  async create(flags = 0): Promise<void> {
    await this.call('nodeDeviceCreate', 'virNodeDeviceCreate', true)(this.ref, flags);
  }
  async undefine(flags = 0): Promise<void> {
    await this.call('nodeDeviceUndefine', 'virNodeDeviceUndefine', true)(this.ref, flags);
  }
  /** Detaches the device from its host driver (libvirt's spelling, virNodeDeviceDettach). */
  async dettach(): Promise<void> {
    await this.call('nodeDeviceDettach', 'virNodeDeviceDettach', true)(this.ref);
  }
  async detachFlags(driverName: string | undefined, flags = 0): Promise<void> {
    await this.call('nodeDeviceDetachFlags', 'virNodeDeviceDetachFlags', true)(this.ref, driverName, flags);
  }
  async reAttach(): Promise<void> {
    await this.call('nodeDeviceReAttach', 'virNodeDeviceReAttach', true)(this.ref);
  }
  async reset(): Promise<void> {
    await this.call('nodeDeviceReset', 'virNodeDeviceReset', true)(this.ref);
  }
}
