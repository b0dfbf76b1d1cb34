import { parseDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';

/** The port kinds this driver builds as ISA devices (isa-serial, isa-debugcon, isa-parallel). */
export const isIsaPort = (el: XmlElement): boolean => el.name === 'serial' || el.name === 'parallel';

/**
 * A serial or parallel port's live detach: libvirt 9.0 asks QEMU (device_del of the port, its
 * alias) and passes its refusal on (`Bus 'isa.0' does not support hotplugging`); so does this.
 */
export async function unplugIsaPort(status: ActiveStatus, el: XmlElement): Promise<void> {
  const alias = (parseDevice(el) as { alias?: string }).alias ?? '';
  await withMonitor(status, (mon) => mon.execute('device_del', { id: alias }));
  // The ISA bus has no hotplug handler: QEMU accepting the request would be a QEMU this driver does not know.
  throw new VirError(ErrorCode.OPERATION_FAILED, `QEMU accepted the unplug of ${el.name} '${alias}', which has no hotplug`, ErrorDomain.QEMU);
}
