import { buildSpec } from './order-table.js';
import { networkOrder } from './generated/network-order.js';
import type { ElementSpec } from './element-spec.js';

/** libvirt's layout of `<network>`. */
export const NETWORK_SPEC: ElementSpec = buildSpec('network', networkOrder, {
  'network/ip': { expanded: true },
  'network/metadata': { foreign: true },
});
