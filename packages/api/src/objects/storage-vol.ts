import { Readable } from 'node:stream';
import type { StreamChunk } from '@tsvirt/util';
import type { StorageDriver, StorageVolInfo, StorageVolRef } from '../driver/storage-driver.js';
import { callerFor } from './entry-point.js';
import { StoragePool } from './storage-pool.js';

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
  async getXMLDesc(flags = 0): Promise<string> {
    return this.call('storageVolGetXMLDesc', 'virStorageVolGetXMLDesc')(this.ref, flags);
  }
  async getInfo(): Promise<StorageVolInfo> {
    return this.call('storageVolGetInfo', 'virStorageVolGetInfo')(this.ref);
  }
  /** getInfo with StorageVolInfoFlags (GET_PHYSICAL: the allocation field holds the physical size). */
  async getInfoFlags(flags = 0): Promise<StorageVolInfo> {
    return this.call('storageVolGetInfoFlags', 'virStorageVolGetInfoFlags')(this.ref, flags);
  }
  async storagePoolLookupByVolume(): Promise<StoragePool> {
    return new StoragePool(this.conn, await this.call('storagePoolLookupByVolume', 'virStoragePoolLookupByVolume')(this.ref));
  }
  /**
   * virStorageVolDownload: the volume's content from `offset`, `length` bytes of it (0 for all), as
   * a Node stream in object mode whose chunks are Buffers, and StreamHoles with
   * StorageVolStreamFlags.SPARSE_STREAM. The volume is read as the stream is consumed
   * (back-pressure): a paused stream reads nothing more, destroying it stops the reading.
   */
  async download(offset = 0n, length = 0n, flags = 0): Promise<Readable> {
    const chunks = await this.call('storageVolDownload', 'virStorageVolDownload', true)(this.ref, offset, length, flags);
    return chunks instanceof Readable ? chunks : Readable.from(chunks, { objectMode: true, highWaterMark: 1 });
  }
  /**
   * virStorageVolUpload: writes `data` (a Node stream or any async iterable of chunks) into the
   * volume from `offset`, at most `length` bytes (0 for all); StreamHoles only with SPARSE_STREAM.
   */
  async upload(data: AsyncIterable<StreamChunk>, offset = 0n, length = 0n, flags = 0): Promise<void> {
    await this.call('storageVolUpload', 'virStorageVolUpload', true)(this.ref, data, offset, length, flags);
  }
  async wipe(flags = 0): Promise<void> {
    await this.call('storageVolWipe', 'virStorageVolWipe', true)(this.ref, flags);
  }
  /** Wipes with one of StorageVolWipeAlgorithm. */
  async wipePattern(algorithm: number, flags = 0): Promise<void> {
    await this.call('storageVolWipePattern', 'virStorageVolWipePattern', true)(this.ref, algorithm, flags);
  }
  /** Sets the capacity in bytes (or changes it by that much with StorageVolResizeFlags.DELTA). */
  async resize(capacity: bigint, flags = 0): Promise<void> {
    await this.call('storageVolResize', 'virStorageVolResize', true)(this.ref, capacity, flags);
  }
  async getPath(): Promise<string> {
    return this.call('storageVolGetPath', 'virStorageVolGetPath')(this.ref);
  }
}
