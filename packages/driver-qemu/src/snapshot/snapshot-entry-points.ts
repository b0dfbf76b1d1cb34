import { formatSnapshotXML } from '@tsvirt/conf';
import {
  DomainSnapshotXMLFlags, currentSnapshotOf, findSnapshot, listChildNames, listSnapshotNames, snapshotParentName,
  type DomainRef, type DomainStateEntryPoints, type SnapshotRef,
} from '@tsvirt/api';
import { ErrorDomain, checkFlags } from '@tsvirt/util';
import { domainJob, readDomain } from '../driver/domain-access.js';
import type { DriverContext } from '../driver/driver-context.js';
import { isActiveStatus } from '../state/domain-status.js';
import { uuidOf, type StoredDomain } from '../state/qemu-store.js';
import { createSnapshot } from './snapshot-create.js';
import { deleteSnapshot } from './snapshot-delete.js';
import { revertToSnapshot } from './snapshot-revert.js';
import { loadSnapshots } from './snapshot-store.js';

const D = ErrorDomain.QEMU;

type SnapshotEntryPoints = Required<Pick<DomainStateEntryPoints,
  'domainSnapshotCreateXML' | 'domainListAllSnapshots' | 'domainSnapshotLookupByName' | 'domainHasCurrentSnapshot' | 'domainSnapshotCurrent' |
  'domainSnapshotGetXMLDesc' | 'domainSnapshotGetParent' | 'domainSnapshotListAllChildren' | 'domainSnapshotIsCurrent' |
  'domainSnapshotHasMetadata' | 'domainRevertToSnapshot' | 'domainSnapshotDelete'>>;

const refOf = (d: StoredDomain): DomainRef => ({ name: d.name, uuid: uuidOf(d), id: isActiveStatus(d.status) ? d.status.id : -1 });

/** The QEMU driver's snapshot entry points: metadata read from its files on every call, changes under the domain's job lock. */
export function snapshotEntryPoints(drv: DriverContext): SnapshotEntryPoints {
  const tree = async (dom: DomainRef) => loadSnapshots(drv.paths, (await readDomain(drv, dom)).name);
  const snapRef = (dom: DomainRef, name: string): SnapshotRef => ({ domain: dom, name });
  return {
    async domainSnapshotCreateXML(dom, xml, flags) {
      return domainJob(drv, dom, true, async (d) => snapRef(refOf(d), await createSnapshot(drv, d, xml, flags)));
    },
    async domainListAllSnapshots(dom, flags) {
      return listSnapshotNames(await tree(dom), flags, 'qemuDomainListAllSnapshots', D);
    },
    async domainSnapshotLookupByName(dom, name, flags) {
      checkFlags(flags, 0, 'qemuDomainSnapshotLookupByName', D);
      return snapRef(dom, findSnapshot(await tree(dom), name, D).name);
    },
    async domainHasCurrentSnapshot(dom, flags) {
      checkFlags(flags, 0, 'qemuDomainHasCurrentSnapshot', D);
      return (await tree(dom)).current !== undefined;
    },
    async domainSnapshotCurrent(dom, flags) {
      checkFlags(flags, 0, 'qemuDomainSnapshotCurrent', D);
      return snapRef(dom, currentSnapshotOf(await tree(dom), D).name);
    },
    async domainSnapshotGetXMLDesc(snap, flags) {
      checkFlags(flags, DomainSnapshotXMLFlags.SECURE, 'qemuDomainSnapshotGetXMLDesc', D);
      return formatSnapshotXML(findSnapshot(await tree(snap.domain), snap.name, D));
    },
    async domainSnapshotGetParent(snap, flags) {
      checkFlags(flags, 0, 'qemuDomainSnapshotGetParent', D);
      return snapRef(snap.domain, snapshotParentName(await tree(snap.domain), snap.name, D));
    },
    async domainSnapshotListAllChildren(snap, flags) {
      return listChildNames(await tree(snap.domain), snap.name, flags, 'qemuDomainSnapshotListAllChildren', D);
    },
    async domainSnapshotIsCurrent(snap, flags) {
      checkFlags(flags, 0, 'qemuDomainSnapshotIsCurrent', D);
      const t = await tree(snap.domain);
      findSnapshot(t, snap.name, D);
      return t.current === snap.name;
    },
    async domainSnapshotHasMetadata(snap, flags) {
      checkFlags(flags, 0, 'qemuDomainSnapshotHasMetadata', D);
      findSnapshot(await tree(snap.domain), snap.name, D);
      return true;
    },
    async domainRevertToSnapshot(snap, flags) {
      await domainJob(drv, snap.domain, true, (d) => revertToSnapshot(drv, d, snap.name, flags));
    },
    async domainSnapshotDelete(snap, flags) {
      await domainJob(drv, snap.domain, true, (d) => deleteSnapshot(drv, d, snap.name, flags));
    },
  };
}
