import { parseDomainXML, type BackingLayer } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { editLiveDisk } from './disk-edit.js';
import { backingLayers } from './image-chain.js';

/**
 * After a job changed a disk's images (a pivot, a commit or pull done), the live `<backingStore>`
 * chain is read again from the images: an image still in it keeps its index, a new one takes the
 * domain's next node number, as libvirt numbers images it opens later.
 */
export async function refreshLiveChain(s: ActiveStatus, alias: string, sourceNode: number | undefined): Promise<void> {
  const disk = devicesOf(parseDomainXML(s.xml, { arch: GUEST_ARCH }).devices, 'disk').find((d) => d.alias === alias);
  const path = disk?.source?.file ?? disk?.source?.dev;
  if (!disk?.source || path === undefined || disk.backingStore === undefined) return;
  const old = new Map<string, number | undefined>([[path, undefined], ...disk.backingStore.map((l) => [l.path ?? '', l.index] as [string, number | undefined])]);
  const index = sourceNode ?? old.get(path) ?? disk.source.index ?? s.nextNode++;
  const layers = await backingLayers(path, disk.driver?.type ?? 'raw', disk.type === 'block');
  const chain: BackingLayer[] = layers.map((l) => ({ ...l, index: old.get(l.path ?? '') ?? s.nextNode++ }));
  editLiveDisk(s, alias, (d) => {
    d.source = { ...d.source, index };
    d.backingStore = chain;
  });
}
