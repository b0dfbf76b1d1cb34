import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { QmpClient } from '../qmp/qmp-client.js';

/** One entry of QMP `query-hotpluggable-cpus`: where a vCPU can be, and the device there if plugged. */
export interface VcpuSlot {
  readonly type: string;
  readonly props: Readonly<Record<string, number>>;
  readonly 'vcpus-count': number;
  readonly 'qom-path'?: string;
}

const TOPOLOGY = ['node-id', 'drawer-id', 'book-id', 'socket-id', 'die-id', 'cluster-id', 'core-id', 'thread-id'];

/** Slots in topology order, which is vCPU id order: the n-th slot holds vCPU n (one vCPU per slot on x86). */
function bySlotOrder(a: VcpuSlot, b: VcpuSlot): number {
  for (const k of TOPOLOGY) {
    const d = (a.props[k] ?? 0) - (b.props[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The machine's vCPU slots by vCPU id; undefined when the machine cannot hotplug vCPUs (QEMU refuses the query). */
export async function vcpuSlots(mon: QmpClient): Promise<VcpuSlot[] | undefined> {
  try {
    return [...await mon.execute<VcpuSlot[]>('query-hotpluggable-cpus')].sort(bySlotOrder);
  } catch (e) {
    if (VirError.isVirError(e) && e.code === ErrorCode.INTERNAL_ERROR) return undefined;
    throw e;
  }
}

/** The QOM id libvirt gives a hotplugged vCPU's device (its alias). */
export const vcpuAlias = (id: number): string => `vcpu${id}`;

/** Plugs vCPU `id` into its slot, as libvirt does: `device_add` of the slot's CPU type at the slot's topology. */
export async function plugVcpu(mon: QmpClient, slots: readonly VcpuSlot[], id: number): Promise<void> {
  const slot = slots[id];
  if (!slot) throw new VirError(ErrorCode.INTERNAL_ERROR, `vcpu '${id}' is missing hotplug data`, ErrorDomain.QEMU);
  await mon.execute('device_add', { driver: slot.type, id: vcpuAlias(id), ...slot.props });
}

/** How long libvirt waits for QEMU to finish a device's unplug (QEMU_REMOVAL_WAIT_TIME). */
const REMOVAL_WAIT_MS = 5000;

/** Asks QEMU to unplug vCPU `id` and waits until its slot is empty, libvirt's time at most. */
export async function unplugVcpu(mon: QmpClient, id: number): Promise<void> {
  await mon.execute('device_del', { id: vcpuAlias(id) });
  const deadline = Date.now() + REMOVAL_WAIT_MS;
  for (;;) {
    const slots = await vcpuSlots(mon);
    if (slots?.[id]?.['qom-path'] === undefined) return;
    if (Date.now() >= deadline) {
      throw new VirError(ErrorCode.OPERATION_TIMEOUT, 'vcpu unplug request timed out. Unplug result must be manually inspected in the domain', ErrorDomain.QEMU);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Plugs the vCPUs `ids`, in that order, into the slots QEMU lists now. */
export async function plugVcpus(mon: QmpClient, ids: readonly number[]): Promise<void> {
  const slots = await vcpuSlots(mon);
  if (!slots) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'this qemu version does not support specific vCPU hotplug', ErrorDomain.QEMU);
  for (const id of ids) await plugVcpu(mon, slots, id);
}

/** One entry of QMP `query-cpus-fast`. */
interface CpuThread {
  readonly 'cpu-index': number;
  readonly 'qom-path': string;
  readonly 'thread-id': number;
}

/** Each online vCPU's thread, by vCPU id in ascending order: a plugged vCPU is found by its slot's device, QEMU's own by its index. */
export async function vcpuThreads(mon: QmpClient): Promise<Map<number, number>> {
  const threads = await mon.execute<CpuThread[]>('query-cpus-fast');
  const slots = await vcpuSlots(mon);
  const byPath = new Map(slots?.flatMap((slot, id) => (slot['qom-path'] ? [[slot['qom-path'], id] as const] : [])) ?? []);
  return new Map(threads.map((t) => [byPath.get(t['qom-path']) ?? t['cpu-index'], t['thread-id']] as const).sort((a, b) => a[0] - b[0]));
}
