import { formatDomainXML, parseDomainXML } from '@tsvirt/conf';
import { formatNode, storageNode } from '../command/disk-props.js';
import { hostdevBackendNode } from '../command/hostdev-args.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { devicesOf } from '../devices/typed-devices.js';

/** Drops a disk or SCSI hostdev from a live status: its element, its shared-disk rows, its node number and pending marks. */
export function forgetDisk(status: ActiveStatus, alias: string): void {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const gone = new Set([...devicesOf(def.devices, 'disk'), ...devicesOf(def.devices, 'hostdev')].filter((d) => d.alias === alias).map((d) => d.xml));
  def.devices = def.devices.filter((el) => !gone.has(el));
  status.xml = formatDomainXML(def, { id: status.id });
  status.sharedDisks = status.sharedDisks.filter((u) => u.alias !== alias);
  if (status.scsiHostdevs) status.scsiHostdevs = status.scsiHostdevs.filter((u) => u.alias !== alias);
  delete status.diskNodes[alias];
  status.pendingUnplug = status.pendingUnplug.filter((a) => a !== alias);
  if (status.pendingPlug === alias) status.pendingPlug = undefined;
}

/** Removes a disk's block nodes (or a SCSI hostdev's backend) from QEMU, format layer first; nodes already gone are fine. */
export async function deleteDiskNodes(mon: QmpClient, node: number | undefined): Promise<void> {
  if (node === undefined) return;
  // All written at once; QEMU runs them in order.
  await Promise.all([formatNode(node), storageNode(node), hostdevBackendNode(node)].map((name) => mon.execute('blockdev-del', { 'node-name': name }).catch(() => undefined)));
}

/** The device ids QEMU has now (children of /machine/peripheral). */
export async function peripheralIds(mon: QmpClient): Promise<Set<string>> {
  const list = await mon.execute<Array<{ name: string; type: string }>>('qom-list', { path: '/machine/peripheral' });
  return new Set(list.filter((p) => p.type.startsWith('child<')).map((p) => p.name));
}
