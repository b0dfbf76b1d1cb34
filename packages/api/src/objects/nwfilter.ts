import type { NWFilterBindingRef, NWFilterRef } from '../driver/nwfilter-driver.js';
import { Handle, callOf } from './handle.js';

/** A network filter handle (libvirt's virNWFilterPtr). */
export class NWFilter extends Handle<'nwfilter', NWFilterRef> {
  static override readonly kind = 'nwfilter';

  getName(): string {
    return this.ref.name;
  }
  getUUIDString(): string {
    return this.ref.uuid;
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('nwfilterGetXMLDesc', 'virNWFilterGetXMLDesc')(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await callOf(this)('nwfilterUndefine', 'virNWFilterUndefine', 'write')(this.ref);
  }
}

/** A network filter binding handle (libvirt's virNWFilterBindingPtr): a filter applied to one port. */
export class NWFilterBinding extends Handle<'nwfilter', NWFilterBindingRef> {
  static override readonly kind = 'nwfilter';

  getPortDev(): string {
    return this.ref.portdev;
  }
  getFilterName(): string {
    return this.ref.filtername;
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('nwfilterBindingGetXMLDesc', 'virNWFilterBindingGetXMLDesc')(this.ref, flags);
  }
  async delete(): Promise<void> {
    await callOf(this)('nwfilterBindingDelete', 'virNWFilterBindingDelete', 'write')(this.ref);
  }
}
