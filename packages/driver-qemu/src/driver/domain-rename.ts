import { formatDomainXML } from '@tsvirt/conf';
import { DomainEventDetail, DomainEventType, type DomainRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { hasManagedSave } from '../save/domain-save.js';
import { snapshotCount } from '../snapshot/snapshot-store.js';
import { isActiveStatus } from '../state/domain-status.js';
import { isFileSafeName } from '../state/driver-paths.js';
import { qemuStore, uuidOf } from '../state/qemu-store.js';
import type { DriverContext } from './driver-context.js';
import { domainJob } from './domain-access.js';

const D = ErrorDomain.QEMU;
const invalid = (message: string) => new VirError(ErrorCode.OPERATION_INVALID, message, D);

/**
 * Renames a stopped persistent domain as libvirt's QEMU driver does: its definition, its shutoff
 * reason and its autostart link move to the new name, checked in libvirt's order with its words.
 */
export async function renameDomain(drv: DriverContext, dom: DomainRef, newName: string, flags: number): Promise<DomainRef> {
  checkFlags(flags, 0, 'qemuDomainRename', D);
  const store = qemuStore(drv.paths);
  return domainJob(drv, dom, false, async (d) => {
    if (isActiveStatus(d.status)) throw invalid('cannot rename active domain');
    if (!d.persistentDef) throw invalid('cannot rename a transient domain');
    if (await hasManagedSave(drv.paths, d.name)) throw invalid("domain with a managed saved state can't be renamed");
    if ((await snapshotCount(drv.paths, d.name)) > 0) throw invalid('cannot rename domain with snapshots');
    if (newName === d.name) throw invalid("Can't rename domain to itself");
    const ref = { name: newName, uuid: uuidOf(d), id: -1 };
    await store.withDriverLock(async () => {
      if ((await store.loadAll()).some((x) => x.name === newName)) throw invalid(`domain with name '${newName}' already exists`);
      if (!isFileSafeName(newName)) throw new VirError(ErrorCode.XML_ERROR, `name ${newName} cannot contain '/'`, D);
      const autostart = await store.hasAutostart(d.name);
      await store.saveConfig(newName, formatDomainXML({ ...d.persistentDef!, name: newName }, { inactive: true }));
      if (d.status) await store.writeStatus({ ...d.status, name: newName });
      await store.setAutostart(newName, autostart);
      await store.setAutostart(d.name, false);
      await store.removeConfig(d.name);
      await store.removeStatus(d.name);
    });
    drv.events.raise({ ...ref, name: d.name }, DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.RENAMED);
    drv.events.raise(ref, DomainEventType.DEFINED, DomainEventDetail.DEFINED.RENAMED);
    return ref;
  });
}
