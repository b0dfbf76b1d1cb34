import { DomainEventID } from '@tsvirt/api';
import type { DriverContext } from '../driver/driver-context.js';
import type { ActiveStatus } from '../state/domain-status.js';

/** DEVICE_ADDED of a device plugged into the running domain of `status`, named by its alias, as libvirt raises it after every live attach. */
export function raiseDeviceAdded(drv: DriverContext, status: ActiveStatus, alias: string): void {
  drv.events.raiseOther({ eventID: DomainEventID.DEVICE_ADDED, domain: { name: status.name, uuid: status.uuid, id: status.id }, devAlias: alias });
}
