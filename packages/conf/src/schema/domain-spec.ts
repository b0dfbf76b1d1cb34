import { buildSpec } from './order-table.js';
import { DOMAIN_ORDER } from './generated/domain-order.js';
import type { ElementSpec } from './element-spec.js';

/** libvirt's layout of `<domain>`. */
export const DOMAIN_SPEC: ElementSpec = buildSpec('domain', DOMAIN_ORDER, {
  'domain/devices': { expanded: true },
  'domain/metadata': { foreign: true },
});

/** libvirt's layout of the QEMU driver's `<domstatus>` file, with the domain inside it. */
export const DOMSTATUS_SPEC: ElementSpec = (() => {
  const status = buildSpec('domstatus', DOMAIN_ORDER);
  return { ...status, children: { ...status.children, domain: DOMAIN_SPEC } };
})();
