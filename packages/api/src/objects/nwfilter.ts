import type { NWFilterBindingRef, NWFilterDriver, NWFilterRef } from '../driver/nwfilter-driver.js';
import { callerFor } from './entry-point.js';

export interface NWFilterOwner {
  readonly nwfilter: NWFilterDriver | undefined;
  readonly readonly: boolean;
}

/** A network filter handle (libvirt's virNWFilterPtr). */
export class NWFilter {
  constructor(readonly conn: NWFilterOwner, readonly ref: NWFilterRef) {}

  private readonly call = callerFor(() => this.conn.nwfilter, () => this.conn.readonly);

  getName(): string {
    return this.ref.name;
  }
  getUUIDString(): string {
    return this.ref.uuid;
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return this.call('nwfilterGetXMLDesc', 'virNWFilterGetXMLDesc')(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await this.call('nwfilterUndefine', 'virNWFilterUndefine', true)(this.ref);
  }
}

/** A network filter binding handle (libvirt's virNWFilterBindingPtr): a filter applied to one port. */
export class NWFilterBinding {
  constructor(readonly conn: NWFilterOwner, readonly ref: NWFilterBindingRef) {}

  private readonly call = callerFor(() => this.conn.nwfilter, () => this.conn.readonly);

  getPortDev(): string {
    return this.ref.portdev;
  }
  getFilterName(): string {
    return this.ref.filtername;
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return this.call('nwfilterBindingGetXMLDesc', 'virNWFilterBindingGetXMLDesc')(this.ref, flags);
  }
  async delete(): Promise<void> {
    await this.call('nwfilterBindingDelete', 'virNWFilterBindingDelete', true)(this.ref);
  }
}
