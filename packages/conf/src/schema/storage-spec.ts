import { buildSpec } from './order-table.js';
import { POOL_ORDER } from './generated/pool-order.js';
import { VOLUME_ORDER } from './generated/volume-order.js';
import type { ElementSpec } from './element-spec.js';

/** libvirt's layout of `<pool>`. */
export const POOL_SPEC: ElementSpec = buildSpec('pool', POOL_ORDER, { 'pool/source': { expanded: true } });

/** libvirt's layout of `<volume>`. */
export const VOLUME_SPEC: ElementSpec = buildSpec('volume', VOLUME_ORDER);
