import type { SecretDriver, SecretRef } from '../driver/secret-driver.js';
import { callerFor } from './entry-point.js';

export interface SecretOwner {
  readonly secret: SecretDriver | undefined;
  readonly readonly: boolean;
}

/** A secret handle (libvirt's virSecretPtr). */
export class Secret {
  constructor(readonly conn: SecretOwner, readonly ref: SecretRef) {}

  private readonly call = callerFor(() => this.conn.secret, () => this.conn.readonly);

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
    return this.call('secretGetXMLDesc', 'virSecretGetXMLDesc')(this.ref, flags);
  }
  async setValue(value: Uint8Array, flags = 0): Promise<void> {
    await this.call('secretSetValue', 'virSecretSetValue', true)(this.ref, value, flags);
  }
  /** The value; refused on a read-only connection, as libvirt does. */
  async getValue(flags = 0): Promise<Uint8Array> {
    return this.call('secretGetValue', 'virSecretGetValue', true)(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await this.call('secretUndefine', 'virSecretUndefine', true)(this.ref);
  }
}
