import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { QmpClient } from '../qmp/qmp-client.js';
import { checkQemuVcpus } from './vcpu-rules.js';
import { plugVcpu, vcpuSlots } from './vcpu-slots.js';
import { definiteVcpuStates, setVcpuStates } from './vcpu-states.js';

/** vCPUs QEMU does not start itself: `-smp` counts only the online ones that cannot be unplugged. */
export function bootVcpus(def: DomainDef): number {
  return def.vcpu.vcpus ? definiteVcpuStates(def).filter((s) => s.enabled && !s.hotpluggable).length : (def.vcpu.current ?? def.vcpu.count);
}

/**
 * At start, QEMU still paused: plugs the online hotpluggable vCPUs (in their `order`, else by id)
 * as libvirt does, then records every vCPU's state and the order each came online in the live
 * definition. A guest whose vCPUs are all online and unlisted, or a machine without vCPU hotplug,
 * keeps `<vcpu>` alone, as libvirt shows it.
 */
export async function plugStartupVcpus(mon: QmpClient, def: DomainDef): Promise<void> {
  if (!def.vcpu.vcpus && (def.vcpu.current ?? def.vcpu.count) === def.vcpu.count) return;
  const states = definiteVcpuStates(def);
  checkQemuVcpus(states);
  const plug = states.map((s, id) => ({ s, id })).filter(({ s }) => s.enabled && s.hotpluggable)
    .sort((a, b) => (a.s.order ?? 0) - (b.s.order ?? 0));
  const slots = await vcpuSlots(mon);
  if (!slots) {
    if (plug[0]) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `vcpu '${plug[0].id}' is missing hotplug data`, ErrorDomain.QEMU);
    return;
  }
  for (const { id } of plug) await plugVcpu(mon, slots, id);
  // QEMU numbers its vCPUs as they are realised: its own ones first, then each plugged one.
  let order = 0;
  for (const s of states) delete s.order;
  for (const s of states) if (s.enabled && !s.hotpluggable) s.order = ++order;
  for (const { s } of plug) s.order = ++order;
  setVcpuStates(def, states);
}
