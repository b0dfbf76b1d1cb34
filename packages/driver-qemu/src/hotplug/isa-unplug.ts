import { parseDevice, parseDomainXML, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

/** The port kinds this driver builds as ISA devices (isa-serial, isa-debugcon, isa-parallel). */
export const isIsaPort = (el: XmlElement): boolean => el.name === 'serial' || el.name === 'parallel';

/**
 * A serial or parallel port's live detach: libvirt 9.0 asks QEMU (device_del of the port) and
 * passes its refusal on (`Bus 'isa.0' does not support hotplugging`); so does this, with the id
 * the command line gave the port (its index among its kind: ISA ports never go, so it holds).
 */
export async function unplugIsaPort(status: ActiveStatus, el: XmlElement): Promise<void> {
  const kind = el.name as 'serial' | 'parallel';
  const alias = (parseDevice(el) as { alias?: string }).alias;
  const index = devicesOf(parseDomainXML(status.xml, { arch: GUEST_ARCH }).devices, kind).findIndex((d) => d.alias === alias);
  await withMonitor(status, (mon) => mon.execute('device_del', { id: `${kind}${index}` }));
  // The ISA bus has no hotplug handler: QEMU accepting the request would be a QEMU this driver does not know.
  throw new VirError(ErrorCode.OPERATION_FAILED, `QEMU accepted the unplug of ${kind} '${alias}', which has no hotplug`, ErrorDomain.QEMU);
}
