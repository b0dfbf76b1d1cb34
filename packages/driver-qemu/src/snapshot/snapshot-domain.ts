import { editDevice, type DomainDef } from '@tsvirt/conf';
import type { Disk } from '../devices/qemu-disk.js';
import { devicesOf } from '../devices/typed-devices.js';

/**
 * The definition a snapshot of a running domain records, as libvirt formats its copy of the live
 * definition (inactive): disks without their aliases, node indexes and the backing chains found
 * at start; a chain the persistent definition names for the same image stays.
 */
export function snapshotDomainOf(live: DomainDef, persistent: DomainDef | undefined): DomainDef {
  const given = persistent ? devicesOf(persistent.devices, 'disk') : [];
  let def = live;
  for (const disk of devicesOf(live.devices, 'disk')) {
    const path = disk.source?.file ?? disk.source?.dev;
    const same = given.find((g) => g.target?.dev === disk.target?.dev && (g.source?.file ?? g.source?.dev) === path);
    def = editDevice(def, disk, (d: Disk) => {
      delete d.alias;
      if (d.source) {
        const source = { ...d.source };
        delete source.index;
        d.source = source;
      }
      if (same?.backingStore) d.backingStore = same.backingStore;
      else delete d.backingStore;
    });
  }
  return def;
}
