import type { SecretObject } from './secret-object.js';

/**
 * The ephemeral secrets of each root this process has open, by config directory then UUID.
 * They are never written to disk: they live in the process that defined them (libvirt keeps
 * them in its daemon's memory), seen by every connection of the process (and of a tsvirtd).
 */
const roots = new Map<string, Map<string, SecretObject>>();

export function ephemeralSecrets(configDir: string): Map<string, SecretObject> {
  let secrets = roots.get(configDir);
  if (!secrets) {
    secrets = new Map();
    roots.set(configDir, secrets);
  }
  return secrets;
}
