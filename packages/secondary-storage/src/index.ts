import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';
import { LocalStorage } from './local-storage.js';
import { storagePathsForURI } from './storage-paths.js';

/**
 * The storage secondary driver of the local hypervisor connections (qemu:///system,
 * qemu:///session, qemu:///embed?root=DIR, lxc:///): `dir` pools and their volumes, kept in
 * files under the connection's root so that every process sees the same pools.
 */
export const driver = {
  name: 'Storage',
  schemes: [],
  localOnly: true,
  async open(ctx): Promise<DriverConnection | 'declined'> {
    const paths = storagePathsForURI(ctx.uri);
    if (paths === 'declined') return 'declined';
    // Encrypted volumes read their secrets through a connection of their own to the same URI.
    const storage = new LocalStorage(paths, () => ctx.connect(ctx.uri.raw));
    await storage.autostart();
    return { storage, close: async () => undefined };
  },
} satisfies ConnectionDriver;

export { LocalStorage } from './local-storage.js';
export { storagePathsForURI, type StoragePaths } from './storage-paths.js';
