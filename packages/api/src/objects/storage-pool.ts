import type { StoragePoolInfo, StoragePoolRef } from '../driver/storage-driver.js';
import { MAX_LIST } from './limits.js';
import { Handle, callOf } from './handle.js';
import { StorageVol } from './storage-vol.js';

/** A storage pool handle (libvirt's virStoragePoolPtr). */
export class StoragePool extends Handle<'storage', StoragePoolRef> {
  static override readonly kind = 'storage';

  getName(): string {
    return this.ref.name;
  }
  getUUIDString(): string {
    return this.ref.uuid;
  }
  async build(flags = 0): Promise<void> {
    await callOf(this)('storagePoolBuild', 'virStoragePoolBuild', 'write')(this.ref, flags);
  }
  async create(flags = 0): Promise<void> {
    await callOf(this)('storagePoolCreate', 'virStoragePoolCreate', 'write')(this.ref, flags);
  }
  async destroy(): Promise<void> {
    await callOf(this)('storagePoolDestroy', 'virStoragePoolDestroy', 'write')(this.ref);
  }
  async delete(flags = 0): Promise<void> {
    await callOf(this)('storagePoolDelete', 'virStoragePoolDelete', 'write')(this.ref, flags);
  }
  async undefine(): Promise<void> {
    await callOf(this)('storagePoolUndefine', 'virStoragePoolUndefine', 'write')(this.ref);
  }
  async refresh(flags = 0): Promise<void> {
    await callOf(this)('storagePoolRefresh', 'virStoragePoolRefresh', 'write')(this.ref, flags);
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('storagePoolGetXMLDesc', 'virStoragePoolGetXMLDesc')(this.ref, flags);
  }
  async getInfo(): Promise<StoragePoolInfo> {
    return callOf(this)('storagePoolGetInfo', 'virStoragePoolGetInfo')(this.ref);
  }
  async isActive(): Promise<boolean> {
    return callOf(this)('storagePoolIsActive', 'virStoragePoolIsActive')(this.ref);
  }
  async isPersistent(): Promise<boolean> {
    return callOf(this)('storagePoolIsPersistent', 'virStoragePoolIsPersistent')(this.ref);
  }
  async getAutostart(): Promise<boolean> {
    return callOf(this)('storagePoolGetAutostart', 'virStoragePoolGetAutostart')(this.ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await callOf(this)('storagePoolSetAutostart', 'virStoragePoolSetAutostart', 'write')(this.ref, autostart);
  }
  async numOfVolumes(): Promise<number> {
    return callOf(this)('storagePoolNumOfVolumes', 'virStoragePoolNumOfVolumes')(this.ref);
  }
  async listVolumes(maxnames = MAX_LIST): Promise<string[]> {
    return callOf(this)('storagePoolListVolumes', 'virStoragePoolListVolumes')(this.ref, maxnames);
  }
  async listAllVolumes(flags = 0): Promise<StorageVol[]> {
    const refs = await callOf(this)('storagePoolListAllVolumes', 'virStoragePoolListAllVolumes')(this.ref, flags);
    return refs.map((r) => new StorageVol(this.conn, r));
  }
  async storageVolLookupByName(name: string): Promise<StorageVol> {
    return new StorageVol(this.conn, await callOf(this)('storageVolLookupByName', 'virStorageVolLookupByName')(this.ref, name));
  }
  async createXML(xml: string, flags = 0): Promise<StorageVol> {
    return new StorageVol(this.conn, await callOf(this)('storageVolCreateXML', 'virStorageVolCreateXML', 'write')(this.ref, xml, flags));
  }
  /** A new volume described by `xml`, its contents copied from `clone` (which may be in another pool). */
  async createXMLFrom(xml: string, clone: StorageVol, flags = 0): Promise<StorageVol> {
    const create = callOf(this)('storageVolCreateXMLFrom', 'virStorageVolCreateXMLFrom', 'write');
    return new StorageVol(this.conn, await create(this.ref, xml, clone.ref, flags));
  }
}
