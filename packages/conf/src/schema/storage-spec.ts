import { buildSpec } from './order-table.js';
import { poolOrder } from './generated/pool-order.js';
import { volumeOrder } from './generated/volume-order.js';
import type { ElementSpec } from './element-spec.js';

/** libvirt's layout of `<pool>`. */
export const POOL_SPEC: ElementSpec = buildSpec('pool', poolOrder, {
  'pool/source': { expanded: true },
  // libvirt's full order: the corpus never shows every attribute of an FC adapter together.
  'pool/source/adapter': { attrs: ['type', 'parent', 'parent_wwnn', 'parent_wwpn', 'parent_fabric_wwn', 'managed', 'wwnn', 'wwpn', 'name'] },
});

/** libvirt's layout of `<volume>`. */
export const VOLUME_SPEC: ElementSpec = buildSpec('volume', volumeOrder, {
  // libvirt prints `<physical>` (output only, so no corpus file shows it) right after `<allocation>`.
  volume: { order: ['name', 'key', 'source', 'capacity', 'allocation', 'physical', 'target', 'backingStore'] },
  // libvirt prints a found volume's `<timestamps>` after its permissions (output only: no corpus file shows them).
  'volume/target': { order: ['path', 'format', 'permissions', 'timestamps', 'encryption', 'compat', 'clusterSize', 'features'] },
  'volume/backingStore': { order: ['path', 'format', 'permissions', 'timestamps'] },
  // libvirt writes <encryption> open and closed even when it names no secret.
  'volume/target/encryption': { expanded: true },
});
