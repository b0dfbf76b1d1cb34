import type { InterfaceRef } from '../driver/interface-driver.js';
import { Handle, callOf } from './handle.js';

/** A host interface handle (libvirt's virInterfacePtr). */
export class Interface extends Handle<'interface', InterfaceRef> {
  static override readonly kind = 'interface';

  getName(): string {
    return this.ref.name;
  }
  getMACString(): string {
    return this.ref.mac;
  }
  async create(flags = 0): Promise<void> {
    await callOf(this)('interfaceCreate', 'virInterfaceCreate', 'write')(this.ref, flags);
  }
  async destroy(flags = 0): Promise<void> {
    await callOf(this)('interfaceDestroy', 'virInterfaceDestroy', 'write')(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await callOf(this)('interfaceUndefine', 'virInterfaceUndefine', 'write')(this.ref);
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('interfaceGetXMLDesc', 'virInterfaceGetXMLDesc')(this.ref, flags);
  }
  async isActive(): Promise<boolean> {
    return callOf(this)('interfaceIsActive', 'virInterfaceIsActive')(this.ref);
  }
}
