import { Readable } from 'node:stream';
import type { StreamChunk } from '@tsvirt/util';
import type { StorageVolInfo, StorageVolRef, StorageVolWipeOptions } from '../driver/storage-driver.js';
import { Handle, callOf } from './handle.js';
import { StoragePool } from './storage-pool.js';

/** A storage volume handle (libvirt's virStorageVolPtr). */
export class StorageVol extends Handle<'storage', StorageVolRef> {
  static override readonly kind = 'storage';

  getName(): string {
    return this.ref.name;
  }
  getKey(): string {
    return this.ref.key;
  }
  async delete(flags = 0): Promise<void> {
    await callOf(this)('storageVolDelete', 'virStorageVolDelete', 'write')(this.ref, flags);
  }
  async getXMLDesc(flags = 0): Promise<string> {
    return callOf(this)('storageVolGetXMLDesc', 'virStorageVolGetXMLDesc')(this.ref, flags);
  }
  async getInfo(): Promise<StorageVolInfo> {
    return callOf(this)('storageVolGetInfo', 'virStorageVolGetInfo')(this.ref);
  }
  /** getInfo with StorageVolInfoFlags (GET_PHYSICAL: the allocation field holds the physical size). */
  async getInfoFlags(flags = 0): Promise<StorageVolInfo> {
    return callOf(this)('storageVolGetInfoFlags', 'virStorageVolGetInfoFlags')(this.ref, flags);
  }
  async storagePoolLookupByVolume(): Promise<StoragePool> {
    return new StoragePool(this.conn, await callOf(this)('storagePoolLookupByVolume', 'virStoragePoolLookupByVolume')(this.ref));
  }
  /**
   * virStorageVolDownload: the volume's content from `offset`, `length` bytes of it (0 for all), as
   * a Node stream in object mode whose chunks are Buffers, and StreamHoles with
   * StorageVolStreamFlags.SPARSE_STREAM. The volume is read as the stream is consumed
   * (back-pressure): a paused stream reads nothing more, destroying it stops the reading.
   */
  async download(offset = 0n, length = 0n, flags = 0): Promise<Readable> {
    const chunks = await callOf(this)('storageVolDownload', 'virStorageVolDownload', 'write')(this.ref, offset, length, flags);
    return chunks instanceof Readable ? chunks : Readable.from(chunks, { objectMode: true, highWaterMark: 1 });
  }
  /**
   * virStorageVolUpload: writes `data` (a Node stream or any async iterable of chunks) into the
   * volume from `offset`, at most `length` bytes (0 for all); StreamHoles only with SPARSE_STREAM.
   */
  async upload(data: AsyncIterable<StreamChunk>, offset = 0n, length = 0n, flags = 0): Promise<void> {
    await callOf(this)('storageVolUpload', 'virStorageVolUpload', 'write')(this.ref, data, offset, length, flags);
  }
  /** virStorageVolWipe; `options.onProgress` (a tsvirt extension) hears the bytes wiped so far. */
  async wipe(flags = 0, options: StorageVolWipeOptions = {}): Promise<void> {
    await callOf(this)('storageVolWipe', 'virStorageVolWipe', 'write')(this.ref, flags, options);
  }
  /** Wipes with one of StorageVolWipeAlgorithm; `options` as wipe's. */
  async wipePattern(algorithm: number, flags = 0, options: StorageVolWipeOptions = {}): Promise<void> {
    await callOf(this)('storageVolWipePattern', 'virStorageVolWipePattern', 'write')(this.ref, algorithm, flags, options);
  }
  /** Sets the capacity in bytes (or changes it by that much with StorageVolResizeFlags.DELTA). */
  async resize(capacity: bigint, flags = 0): Promise<void> {
    await callOf(this)('storageVolResize', 'virStorageVolResize', 'write')(this.ref, capacity, flags);
  }
  async getPath(): Promise<string> {
    return callOf(this)('storageVolGetPath', 'virStorageVolGetPath')(this.ref);
  }
}
