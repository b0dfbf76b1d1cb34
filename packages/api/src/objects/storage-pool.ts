import type { StoragePoolInfo, StoragePoolRef } from '../driver/storage-driver.js';
import { callerFor } from './entry-point.js';
import { StorageVol, type StorageOwner } from './storage-vol.js';

/** A storage pool handle (libvirt's virStoragePoolPtr). */
export class StoragePool {
  constructor(readonly conn: StorageOwner, readonly ref: StoragePoolRef) {}

  private readonly call = callerFor(() => this.conn.storage, () => this.conn.readonly);

  getName(): string {
    return this.ref.name;
  }
  getUUIDString(): string {
    return this.ref.uuid;
  }
  async build(flags = 0): Promise<void> {
    await this.call('storagePoolBuild', 'virStoragePoolBuild', true)(this.ref, flags);
  }
  async create(flags = 0): Promise<void> {
    await this.call('storagePoolCreate', 'virStoragePoolCreate', true)(this.ref, flags);
  }
  async destroy(): Promise<void> {
    await this.call('storagePoolDestroy', 'virStoragePoolDestroy', true)(this.ref);
  }
  async delete(flags = 0): Promise<void> {
    await this.call('storagePoolDelete', 'virStoragePoolDelete', true)(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await this.call('storagePoolUndefine', 'virStoragePoolUndefine', true)(this.ref);
  }
  async refresh(flags = 0): Promise<void> {
    await this.call('storagePoolRefresh', 'virStoragePoolRefresh', true)(this.ref, flags);
  }
  getXMLDesc(flags = 0): Promise<string> {
    return this.call('storagePoolGetXMLDesc', 'virStoragePoolGetXMLDesc')(this.ref, flags);
  }
  getInfo(): Promise<StoragePoolInfo> {
    return this.call('storagePoolGetInfo', 'virStoragePoolGetInfo')(this.ref);
  }
  isActive(): Promise<boolean> {
    return this.call('storagePoolIsActive', 'virStoragePoolIsActive')(this.ref);
  }
  async listAllVolumes(flags = 0): Promise<StorageVol[]> {
    const refs = await this.call('storagePoolListAllVolumes', 'virStoragePoolListAllVolumes')(this.ref, flags);
    return refs.map((r) => new StorageVol(this.conn, r));
  }
  async storageVolLookupByName(name: string): Promise<StorageVol> {
    return new StorageVol(this.conn, await this.call('storageVolLookupByName', 'virStorageVolLookupByName')(this.ref, name));
  }
  async createXML(xml: string, flags = 0): Promise<StorageVol> {
    return new StorageVol(this.conn, await this.call('storageVolCreateXML', 'virStorageVolCreateXML', true)(this.ref, xml, flags));
  }
}
