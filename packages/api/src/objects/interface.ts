import type { InterfaceDriver, InterfaceRef } from '../driver/interface-driver.js';
import { callerFor } from './entry-point.js';

export interface InterfaceOwner {
  readonly interface: InterfaceDriver | undefined;
  readonly readonly: boolean;
}

/** A host interface handle (libvirt's virInterfacePtr). */
export class Interface {
  constructor(readonly conn: InterfaceOwner, readonly ref: InterfaceRef) {}

  private readonly call = callerFor(() => this.conn.interface, () => this.conn.readonly);

  getName(): string {
    return this.ref.name;
  }
  getMACString(): string {
    return this.ref.mac;
  }
  async create(flags = 0): Promise<void> {
    await this.call('interfaceCreate', 'virInterfaceCreate', true)(this.ref, flags);
  }
  async destroy(flags = 0): Promise<void> {
    await this.call('interfaceDestroy', 'virInterfaceDestroy', true)(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await this.call('interfaceUndefine', 'virInterfaceUndefine', true)(this.ref);
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return this.call('interfaceGetXMLDesc', 'virInterfaceGetXMLDesc')(this.ref, flags);
  }
  async isActive(): Promise<boolean> {
    return this.call('interfaceIsActive', 'virInterfaceIsActive')(this.ref);
  }
}
