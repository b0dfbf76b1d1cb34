import { ErrorDomain, checkFlags } from '@tsvirt/util';
import { SECRET_GET_VALUE_INTERNAL_CALL, type SecretRef } from '../driver/secret-driver.js';
import { isInternal } from './internal-connection.js';
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
  /**
   * The value; refused on a read-only connection, as libvirt does. A private secret's value is
   * given only to the drivers' own connections (the driver sees SECRET_GET_VALUE_INTERNAL_CALL).
   */
  async getValue(flags = 0): Promise<Uint8Array> {
    checkFlags(flags & SECRET_GET_VALUE_INTERNAL_CALL, 0, 'secretGetValue', ErrorDomain.SECRET);
    const internal = isInternal(this.conn) ? SECRET_GET_VALUE_INTERNAL_CALL : 0;
    return callOf(this)('secretGetValue', 'virSecretGetValue', 'write')(this.ref, flags | internal);
  }
  async undefine(): Promise<void> {
    await callOf(this)('secretUndefine', 'virSecretUndefine', 'write')(this.ref);
  }
}
