import type { StorageDriver, StorageVolInfo, StorageVolRef } from '../driver/storage-driver.js';
import { callerFor } from './entry-point.js';

export interface StorageOwner {
  readonly storage: StorageDriver | undefined;
  readonly readonly: boolean;
}

/** A storage volume handle (libvirt's virStorageVolPtr). */
export class StorageVol {
  constructor(readonly conn: StorageOwner, readonly ref: StorageVolRef) {}

  private readonly call = callerFor(() => this.conn.storage, () => this.conn.readonly);

  getName(): string {
    return this.ref.name;
  }
  getKey(): string {
    return this.ref.key;
  }
  async delete(flags = 0): Promise<void> {
    await this.call('storageVolDelete', 'virStorageVolDelete', true)(this.ref, flags);
  }
  getXMLDesc(flags = 0): Promise<string> {
    return this.call('storageVolGetXMLDesc', 'virStorageVolGetXMLDesc')(this.ref, flags);
  }
  getInfo(): Promise<StorageVolInfo> {
    return this.call('storageVolGetInfo', 'virStorageVolGetInfo')(this.ref);
  }
  getPath(): Promise<string> {
    return this.call('storageVolGetPath', 'virStorageVolGetPath')(this.ref);
  }
}
