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
  async getXMLDesc(flags = 0): Promise<string> {
    return this.call('storagePoolGetXMLDesc', 'virStoragePoolGetXMLDesc')(this.ref, flags);
  }
  async getInfo(): Promise<StoragePoolInfo> {
    return this.call('storagePoolGetInfo', 'virStoragePoolGetInfo')(this.ref);
  }
  async isActive(): Promise<boolean> {
    return this.call('storagePoolIsActive', 'virStoragePoolIsActive')(this.ref);
  }
  async isPersistent(): Promise<boolean> {
    return this.call('storagePoolIsPersistent', 'virStoragePoolIsPersistent')(this.ref);
  }
  async getAutostart(): Promise<boolean> {
    return this.call('storagePoolGetAutostart', 'virStoragePoolGetAutostart')(this.ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await this.call('storagePoolSetAutostart', 'virStoragePoolSetAutostart', true)(this.ref, autostart);
  }
  async numOfVolumes(): Promise<number> {
    return this.call('storagePoolNumOfVolumes', 'virStoragePoolNumOfVolumes')(this.ref);
  }
  async listVolumes(maxnames = 0x7fffffff): Promise<string[]> {
    return this.call('storagePoolListVolumes', 'virStoragePoolListVolumes')(this.ref, maxnames);
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
  /** A new volume described by `xml`, its contents copied from `clone` (which may be in another pool). */
  async createXMLFrom(xml: string, clone: StorageVol, flags = 0): Promise<StorageVol> {
    const create = this.call('storageVolCreateXMLFrom', 'virStorageVolCreateXMLFrom', true);
    return new StorageVol(this.conn, await create(this.ref, xml, clone.ref, flags));
  }
}
