import { editDevice, formatDomainXML, parseDomainXML, type DomainDef } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';
import type { Disk } from '../devices/qemu-disk.js';
import type { DriverContext } from '../driver/driver-context.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';

/** A disk of a definition changed in place by `edit`; a definition without the disk is returned as it is. */
function editDisk(def: DomainDef, match: (d: Disk) => boolean, edit: (d: Disk) => void): DomainDef {
  const disk = devicesOf(def.devices, 'disk').find(match);
  return disk ? editDevice(def, disk, edit) : def;
}

/** Changes the live definition's disk with device id `alias` (the caller writes the status). */
export function editLiveDisk(s: ActiveStatus, alias: string, edit: (d: Disk) => void): void {
  const def = editDisk(parseDomainXML(s.xml, { arch: GUEST_ARCH }), (d) => d.alias === alias, edit);
  s.xml = formatDomainXML(def, { id: s.id });
}

/** Changes the persistent definition's disk with target `target`, as libvirt does when a pivot moves a persistent domain's disk. */
export async function editConfigDisk(drv: DriverContext, d: StoredDomain, target: string, edit: (d: Disk) => void): Promise<void> {
  if (!d.persistentDef) return;
  const def = editDisk(d.persistentDef, (x) => x.target?.dev === target, edit);
  await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
}

/**
 * A disk moved onto another image: its source and format, the mirror gone. An image of its own
 * chain keeps its index and what lay below it; the rest of the chain goes.
 */
export function moveSource(path: string, format: string, block: boolean): (d: Disk) => void {
  return (d) => {
    const chain = d.backingStore;
    const at = chain?.findIndex((l) => l.path === path) ?? -1;
    const index = chain?.[at]?.index;
    d.type = block ? 'block' : 'file';
    d.source = { ...(block ? { dev: path } : { file: path }), ...(index !== undefined ? { index } : {}) };
    d.driver = { ...d.driver, type: format };
    if (chain !== undefined) d.backingStore = at >= 0 ? chain.slice(at + 1) : [];
    delete d.mirror;
  };
}
