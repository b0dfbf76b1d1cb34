import { formatDomainXML, parseCpuSet, parseDomainXML, vcpuHotpluggable, type DomainDef, type DomainVcpuState } from '@tsvirt/conf';
import { DomainModificationImpact } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import type { DriverContext } from '../driver/driver-context.js';
import { modificationImpact } from '../driver/modification-impact.js';
import { withMonitor } from '../driver/monitor.js';
import { plugVcpu, unplugVcpu, vcpuSlots } from './vcpu-slots.js';
import { pinVcpuThreads } from './vcpu-affinity.js';
import { nextOrder, setVcpuStates, vcpuStates } from './vcpu-states.js';

const D = ErrorDomain.QEMU;
const I = DomainModificationImpact;
/** The highest vCPU id a list may name (QEMU_GUEST_VCPU_MAX_ID). */
const MAX_VCPU_ID = 4096;

const invalid = (detail: string): VirError => new VirError(ErrorCode.INVALID_ARG, detail, D);
const unsupported = (detail: string): VirError => new VirError(ErrorCode.OPERATION_UNSUPPORTED, detail, D);

/** The vCPUs a change of the running guest reaches (one hotpluggable entity: one vCPU on x86), refused as libvirt refuses. */
function liveTarget(states: readonly DomainVcpuState[], ids: readonly number[], enable: boolean): number {
  for (const id of ids) {
    const s = states[id]!;
    if (s.enabled === enable) throw invalid(`vcpu '${id}' is already in requested state`);
    if (s.enabled && !vcpuHotpluggable(s)) throw unsupported(`vcpu '${id}' can't be unplugged`);
  }
  if (ids.length !== 1) throw unsupported('only one hotpluggable entity can be selected');
  return ids[0]!;
}

/** libvirt's rules for the persistent definition: vCPU 0 stays, and vCPUs QEMU starts itself stay first. */
function checkConfigChange(states: readonly DomainVcpuState[], ids: readonly number[]): void {
  if (ids.includes(0)) throw invalid("vCPU '0' can't be modified");
  const first = ids[0]!;
  for (let id = first + 1; id < states.length; id++) {
    const s = states[id]!;
    if (!ids.includes(id) && s.enabled && s.hotpluggable === false) {
      throw invalid(`vcpu '${first}' can't be modified as it is followed by non-hotpluggable online vcpus`);
    }
  }
}

/** Plugs or unplugs the one vCPU `ids` names in QEMU; the live definition follows. */
async function changeLive(s: ActiveStatus, def: DomainDef, ids: readonly number[], enable: boolean): Promise<void> {
  await withMonitor(s, async (mon) => {
    const slots = await vcpuSlots(mon);
    if (!slots) throw unsupported('this qemu version does not support specific vCPU hotplug');
    const states = vcpuStates(def);
    const id = liveTarget(states, ids, enable);
    await (enable ? plugVcpu(mon, slots, id) : unplugVcpu(mon, id));
    if (enable) await pinVcpuThreads(mon, s.pid!, def, [id]);
    states[id] = enable ? { enabled: true, hotpluggable: true, order: nextOrder(states) } : { enabled: false, hotpluggable: true };
    setVcpuStates(def, states);
  });
}

/**
 * virDomainSetVcpu (setvcpu): enables or disables the vCPUs of a list such as `1-3,^2`, in the
 * running guest through QEMU's CPU hotplug (one vCPU at a time) and/or in the persistent
 * definition, where they become hotpluggable and the boot order is forgotten, as libvirt does.
 */
export async function setVcpu(drv: DriverContext, d: StoredDomain, cpumap: string, state: number, flags: number): Promise<void> {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainSetVcpu', D);
  if (state !== 0 && state !== 1) throw invalid('unsupported state value');
  const ids = parseCpuSet(cpumap, MAX_VCPU_ID).flatMap((on, id) => (on ? [id] : []));
  const last = ids.at(-1);
  if (last === undefined) throw invalid('no vcpus selected for modification');
  const enable = state === 1;
  const impact = modificationImpact(d, flags);
  const persistent = impact.config ? d.persistentDef! : undefined;
  const status = impact.live ? (d.status as ActiveStatus) : undefined;
  const live = status && parseDomainXML(status.xml, { arch: GUEST_ARCH });
  if (persistent && last >= persistent.vcpu.count) throw invalid(`vcpu ${last} is not present in persistent config`);
  if (live && last >= live.vcpu.count) throw invalid(`vcpu ${last} is not present in live config`);
  // The persistent rules come first: nothing changes in QEMU for a change the definition refuses.
  if (persistent) checkConfigChange(vcpuStates(persistent), ids);
  if (status && live) {
    await changeLive(status, live, ids, enable);
    status.xml = formatDomainXML(live, { id: status.id });
    await writeStatus(drv.paths, status);
  }
  if (persistent) {
    // Orders may no longer hold: libvirt forgets them all.
    const states = vcpuStates(persistent);
    for (const s of states) delete s.order;
    for (const id of ids) states[id] = { enabled: enable, hotpluggable: true };
    setVcpuStates(persistent, states);
    await qemuStore(drv.paths).saveConfig(persistent.name, formatDomainXML(persistent, { inactive: true }));
  }
}
