import { otherPart, type DomainDef } from '@tsvirt/conf';
import { setAffinity } from '../cputune/emulator-pin.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { vcpuThreads } from './vcpu-slots.js';

/** The CPUs vCPU `id` may use by the definition: its `<vcpupin>`, else `<vcpu cpuset>`; undefined when neither names any. */
export const vcpuPinOf = (def: DomainDef, id: number): string | undefined =>
  otherPart(def, 'cputune')?.vcpupins?.find((p) => p.vcpu === id)?.cpuset ?? def.vcpu.cpuset;

/**
 * Pins the threads of online vCPUs (all of them, or only `ids`) to their `<vcpupin>` CPUs, as
 * libvirt does at start and for a vCPU it plugs; a vCPU without a pin keeps what it inherited.
 */
export async function pinVcpuThreads(mon: QmpClient, pid: number, def: DomainDef, ids?: readonly number[]): Promise<void> {
  const pins = otherPart(def, 'cputune')?.vcpupins ?? [];
  if (pins.length === 0 && def.vcpu.cpuset === undefined) return;
  for (const [id, tid] of await vcpuThreads(mon)) {
    const cpuset = vcpuPinOf(def, id);
    if (cpuset !== undefined && (!ids || ids.includes(id))) await setAffinity(tid, cpuset, false);
  }
}
