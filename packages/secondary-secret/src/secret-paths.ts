import { join } from 'node:path';
import { ErrorDomain, localInstance, xdgDirs, type VirURI } from '@tsvirt/util';

/** Where one instance of the secret driver keeps its secrets (libvirt's secret driver layout). */
export interface SecretPaths {
  /** `<uuid>.xml` definitions and `<uuid>.base64` values of the persistent secrets (mode 0700). */
  readonly configDir: string;
  /** The lock that serialises every change to the secrets of one root, across processes. */
  readonly lockFile: string;
}

/**
 * The layout for a local hypervisor URI, beside the storage driver's: `qemu:///system` and
 * `lxc:///` (root) under /etc/tsvirt/secrets, `qemu:///session` under the user's XDG config
 * directory, `qemu:///embed?root=DIR` under DIR/etc/secrets (as libvirt's embedded secret
 * driver). 'declined' for any other URI.
 */
export function secretPathsForURI(uri: VirURI, env: NodeJS.ProcessEnv = process.env): SecretPaths | 'declined' {
  const where = localInstance(uri, ErrorDomain.SECRET);
  if (where === 'declined') return 'declined';
  if (where.kind === 'system') return { configDir: '/etc/tsvirt/secrets', lockFile: '/run/tsvirt/secrets/driver.lock' };
  if (where.kind === 'session') {
    const { config, runtime } = xdgDirs(env);
    return { configDir: join(config, 'tsvirt', 'secrets'), lockFile: join(runtime, 'tsvirt', 'secrets', 'driver.lock') };
  }
  return { configDir: join(where.root, 'etc', 'secrets'), lockFile: join(where.root, 'run', 'secrets', 'driver.lock') };
}

export const definitionFile = (p: SecretPaths, uuid: string): string => join(p.configDir, `${uuid}.xml`);
export const valueFile = (p: SecretPaths, uuid: string): string => join(p.configDir, `${uuid}.base64`);
