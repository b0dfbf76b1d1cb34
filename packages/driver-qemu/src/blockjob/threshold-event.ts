import { parseDomainXML } from '@tsvirt/conf';
import { DomainEventID, type DomainDriverEvent } from '@tsvirt/api';
import { storageNode } from '../command/disk-props.js';
import { disksOf } from '../devices/qemu-disk.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

/**
 * QEMU's BLOCK_WRITE_THRESHOLD as libvirt's BLOCK_THRESHOLD events: the disk whose protocol node
 * passed its threshold (QEMU clears it on firing), the threshold and by how much it was passed.
 * As libvirt 9.0, a disk's top image is announced twice: by target (`vda`) and by index (`vda[1]`).
 */
export function thresholdEvents(s: ActiveStatus, data: Record<string, unknown>): DomainDriverEvent[] {
  const node = String(data['node-name'] ?? '');
  const disk = disksOf(parseDomainXML(s.xml, { arch: GUEST_ARCH }).devices)
    .find((d) => d.alias !== undefined && s.diskNodes[d.alias] !== undefined && storageNode(s.diskNodes[d.alias]!) === node);
  if (!disk?.alias) return [];
  const facts = {
    eventID: DomainEventID.BLOCK_THRESHOLD, domain: { name: s.name, uuid: s.uuid, id: s.id }, path: disk.path ?? '',
    threshold: BigInt(Number(data['write-threshold'] ?? 0)), excess: BigInt(Number(data['amount-exceeded'] ?? 0)),
  } as const;
  return [{ ...facts, dev: disk.target }, { ...facts, dev: `${disk.target}[${s.diskNodes[disk.alias]}]` }];
}
