import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';
import { LocalSecrets } from './local-secrets.js';
import { secretPathsForURI } from './secret-paths.js';

/**
 * The secret secondary driver of the local hypervisor connections (qemu:///system,
 * qemu:///session, qemu:///embed?root=DIR, lxc:///): libvirt's secret driver, its persistent
 * secrets kept in files under the connection's root so that every process sees the same ones.
 */
export const driver = {
  name: 'secret',
  schemes: [],
  localOnly: true,
  async open(ctx): Promise<DriverConnection | 'declined'> {
    const paths = secretPathsForURI(ctx.uri);
    if (paths === 'declined') return 'declined';
    return { secret: new LocalSecrets(paths), close: async () => undefined };
  },
} satisfies ConnectionDriver;

export { LocalSecrets } from './local-secrets.js';
export { secretPathsForURI, type SecretPaths } from './secret-paths.js';
