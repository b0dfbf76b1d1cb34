import type { DomainRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { qemuStore } from '../state/qemu-store.js';
import type { DriverContext } from './driver-context.js';
import { domainJob, readDomain } from './domain-access.js';

/** Whether a domain is marked to start with the daemon: libvirt's `autostart/NAME.xml` link beside the definitions. */
export async function getAutostart(drv: DriverContext, dom: DomainRef): Promise<boolean> {
  await readDomain(drv, dom);
  return qemuStore(drv.paths).hasAutostart(dom.name);
}

/** Marks or unmarks a persistent domain for autostart; a transient one is refused in libvirt's words. */
export async function setAutostart(drv: DriverContext, dom: DomainRef, on: boolean): Promise<void> {
  await domainJob(drv, dom, false, async (d) => {
    if (!d.hasConfig) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot set autostart for transient domain', ErrorDomain.QEMU);
    const store = qemuStore(drv.paths);
    if ((await store.hasAutostart(d.name)) !== on) await store.setAutostart(d.name, on);
  });
}
