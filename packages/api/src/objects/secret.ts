import type { SecretRef } from '../driver/secret-driver.js';
import { Handle, callOf } from './handle.js';

/** A secret handle (libvirt's virSecretPtr). */
export class Secret extends Handle<'secret', SecretRef> {
  static override readonly kind = 'secret';

  getUUIDString(): string {
    return this.ref.uuid;
  }
  /** SecretUsageType. */
  getUsageType(): number {
    return this.ref.usageType;
  }
  getUsageID(): string {
    return this.ref.usageID;
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('secretGetXMLDesc', 'virSecretGetXMLDesc')(this.ref, flags);
  }
  async setValue(value: Uint8Array, flags = 0): Promise<void> {
    await callOf(this)('secretSetValue', 'virSecretSetValue', 'write')(this.ref, value, flags);
  }
  /** The value; refused on a read-only connection, as libvirt does. */
  async getValue(flags = 0): Promise<Uint8Array> {
    return callOf(this)('secretGetValue', 'virSecretGetValue', 'write')(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await callOf(this)('secretUndefine', 'virSecretUndefine', 'write')(this.ref);
  }
}
