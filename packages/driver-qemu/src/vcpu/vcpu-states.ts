import { onlineVcpus, vcpuHotpluggable, type DomainDef, type DomainVcpuState } from '@tsvirt/conf';

/** Every vCPU's state (copies): listed ones as listed, else the first `current` online with libvirt's defaults. */
export function vcpuStates(def: DomainDef): DomainVcpuState[] {
  const current = def.vcpu.current ?? def.vcpu.count;
  if (def.vcpu.vcpus) return def.vcpu.vcpus.map((s) => ({ ...s }));
  return Array.from({ length: def.vcpu.count }, (_, i) => ({ enabled: i < current, hotpluggable: i >= current }));
}

/** The same with every hotpluggable default written out, as a started domain's live definition has them. */
export const definiteVcpuStates = (def: DomainDef): DomainVcpuState[] => vcpuStates(def).map((s) => ({ ...s, hotpluggable: vcpuHotpluggable(s) }));

/** Sets a definition's vCPUs one by one; the online count follows. */
export function setVcpuStates(def: DomainDef, states: DomainVcpuState[]): void {
  def.vcpu = { ...def.vcpu, vcpus: states, current: onlineVcpus(states) };
}

/** The order the next vCPU to come online gets: after every online one. */
export const nextOrder = (states: readonly DomainVcpuState[]): number => Math.max(0, ...states.filter((s) => s.enabled).map((s) => s.order ?? 0)) + 1;

/**
 * setvcpus on a definition whose vCPUs are listed: the lowest offline vCPUs come online, or the
 * highest online ones go, until `count` are online; the ids brought online are returned. Live, a
 * vCPU brought online is plugged (hotpluggable); in the definition it is started by QEMU unless a
 * hotpluggable vCPU comes before it, as libvirt keeps QEMU's own vCPUs first.
 */
export function setOnlineCount(def: DomainDef, count: number, live: boolean): number[] {
  const states = vcpuStates(def);
  const added: number[] = [];
  let online = onlineVcpus(states);
  for (let id = 0; id < states.length && online < count; id++) {
    if (states[id]!.enabled) continue;
    const hotpluggable = live || states.slice(0, id).some(vcpuHotpluggable);
    states[id] = { enabled: true, hotpluggable, ...(live ? { order: nextOrder(states) } : {}) };
    added.push(id);
    online++;
  }
  for (let id = states.length - 1; id > 0 && online > count; id--) {
    if (!states[id]!.enabled) continue;
    states[id] = { enabled: false, hotpluggable: true };
    online--;
  }
  // The persistent order is forgotten on any change, as libvirt forgets it.
  if (!live) for (const s of states) delete s.order;
  setVcpuStates(def, states);
  return added;
}

/** A new maximum for a definition whose vCPUs are listed: vCPUs past it go, new ones come offline. */
export function resizeVcpuStates(def: DomainDef, count: number): void {
  const states = vcpuStates(def).slice(0, count);
  while (states.length < count) states.push({ enabled: false });
  setVcpuStates(def, states);
}
