import type { PoolBackend } from './pool-backend.js';
import { buildDirPool, checkDirPool, deleteDirPool, poolSizes } from './dir-pool.js';
import { mountPool, unmountPool } from './pool-mount.js';
import { cloneVolume, createVolume } from './volume-create.js';
import { dirVolume, dirVolumes } from './volume-facts.js';
import { deleteVolume } from './volume-ops.js';

/**
 * The backend of pools whose volumes are the entries of a directory: `dir`, and with `mounted`
 * the `fs` and `netfs` pools whose directory is a mount (netfs finding NFS exports).
 */
export function dirBackend(mounted: boolean, findSources?: PoolBackend['findSources']): PoolBackend {
  return {
    build: buildDirPool,
    async start(def) {
      if (mounted) await mountPool(def);
      await checkDirPool(def);
    },
    async stop(def) {
      if (mounted) await unmountPool(def);
    },
    delete: deleteDirPool,
    check: checkDirPool,
    sizes: poolSizes,
    livePermissions: true,
    volumes: dirVolumes,
    volume: dirVolume,
    async createVolume(def, vol, flags, passphrase) {
      await createVolume(def, vol, flags, passphrase);
    },
    encryptable: true,
    async cloneVolume(def, vol, from, flags) {
      await cloneVolume(def, vol, from, flags);
    },
    deleteVolume: (_def, vol, flags) => deleteVolume(vol, flags),
    resizable: true,
    ...(findSources ? { findSources } : {}),
  };
}
