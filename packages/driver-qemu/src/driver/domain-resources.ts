import { domainPart, formatDomainXML, parseDomainXML, type DomainDef, type DomainVcpu } from '@tsvirt/conf';
import { DomainMemoryModFlags, DomainVcpuFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import type { DriverContext } from './driver-context.js';
import { modificationImpact } from './modification-impact.js';
import { plugVcpus } from '../vcpu/vcpu-slots.js';
import { pinVcpuThreads } from '../vcpu/vcpu-affinity.js';
import { resizeVcpuStates, setOnlineCount } from '../vcpu/vcpu-states.js';
import { withMonitor } from './monitor.js';

const D = ErrorDomain.QEMU;
const M = DomainMemoryModFlags;
const V = DomainVcpuFlags;

/** Applies `change` to the definitions a modification reaches: the live one through `live` first, then the persistent one. */
export async function applyChange(
  drv: DriverContext, d: StoredDomain, flags: number, change: (def: DomainDef, live: boolean) => void,
  live: (s: ActiveStatus, def: DomainDef) => Promise<void>,
): Promise<void> {
  const impact = modificationImpact(d, flags);
  if (impact.live) {
    const s = d.status as ActiveStatus;
    const def = parseDomainXML(s.xml, { arch: GUEST_ARCH });
    change(def, true);
    await live(s, def);
    s.xml = formatDomainXML(def, { id: s.id });
    await writeStatus(drv.paths, s);
  }
  if (impact.config) {
    const def = d.persistentDef!;
    change(def, false);
    await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
  }
}

/**
 * setmem/setmaxmem: the current memory of a running guest through its balloon (QMP `balloon`;
 * the live XML then shows what the balloon reports), of the persistent definition directly; the
 * maximum only in the persistent definition.
 */
export async function setMemory(drv: DriverContext, d: StoredDomain, kib: number, flags: number): Promise<void> {
  checkFlags(flags, M.LIVE | M.CONFIG | M.MAXIMUM, 'qemuDomainSetMemoryFlags', D);
  const maximum = (flags & M.MAXIMUM) !== 0;
  await applyChange(drv, d, flags, (def, live) => {
    if (maximum) {
      if (live) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot resize the maximum memory on an active domain', D);
      def.memoryKiB = kib;
      def.currentMemoryKiB = Math.min(def.currentMemoryKiB, kib);
      return;
    }
    if (kib > def.memoryKiB) throw new VirError(ErrorCode.INVALID_ARG, 'cannot set memory higher than max memory', D);
    if (live && devicesOf(def.devices, 'memballoon').every((b) => b.model === 'none')) {
      throw new VirError(ErrorCode.OPERATION_INVALID, 'Unable to change memory of active domain without the balloon device and guest OS balloon driver', D);
    }
    def.currentMemoryKiB = kib;
  }, (s, def) => withMonitor(s, async (mon) => {
    await mon.execute('balloon', { value: kib * 1024 });
    // The guest's balloon driver moves it, if there is one: the live XML shows where it is, as libvirt's does.
    def.currentMemoryKiB = Math.floor((await mon.execute<{ actual: number }>('query-balloon')).actual / 1024);
  }));
}

interface HotpluggableCpu {
  readonly type: string;
  readonly props: Record<string, unknown>;
  readonly 'qom-path'?: string;
}

/**
 * setvcpus: the persistent count (or maximum) directly; a running guest gains vCPUs through
 * QEMU's CPU hotplug (device_add of the next free slots query-hotpluggable-cpus lists). Taking
 * vCPUs away live needs the guest's help, which a guest without an OS never gives: refused.
 */
export async function setVcpus(drv: DriverContext, d: StoredDomain, count: number, flags: number): Promise<void> {
  checkFlags(flags, V.LIVE | V.CONFIG | V.MAXIMUM, 'qemuDomainSetVcpusFlags', D);
  if (count < 1) throw new VirError(ErrorCode.INVALID_ARG, 'argument unsupported: Invalid number of vcpus', D);
  const maximum = (flags & V.MAXIMUM) !== 0;
  let from = 0;
  let added: number[] | undefined;
  await applyChange(drv, d, flags, (def, live) => {
    if (maximum) {
      if (live) throw new VirError(ErrorCode.INVALID_ARG, 'argument unsupported: cannot change maximum vcpu count of a running domain', D);
      const topology = domainPart(def, 'cpu')?.topology;
      if (topology && (topology.sockets ?? 1) * (topology.dies ?? 1) * (topology.cores ?? 1) * (topology.threads ?? 1) !== count) {
        throw new VirError(ErrorCode.INVALID_ARG, "CPU topology doesn't match the desired vcpu count", D);
      }
      def.vcpu = { ...def.vcpu, count, ...(def.vcpu.current !== undefined && def.vcpu.current > count ? { current: count } : {}) };
      if (def.vcpu.vcpus) resizeVcpuStates(def, count);
      return;
    }
    if (count > def.vcpu.count) {
      throw new VirError(ErrorCode.INVALID_ARG, `requested vcpus is greater than max allowable vcpus for the ${live ? 'live' : 'persistent'} domain: ${count} > ${def.vcpu.count}`, D);
    }
    from = def.vcpu.current ?? def.vcpu.count;
    if (live && count < from) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'vcpu unplug needs the guest\'s cooperation, which this driver cannot await', D);
    // vCPUs listed one by one change by id, and the ids plugged live are those brought online.
    if (def.vcpu.vcpus) {
      added = setOnlineCount(def, count, live);
      return;
    }
    const vcpu: DomainVcpu = { ...def.vcpu, current: count };
    if (count === vcpu.count) delete vcpu.current;
    def.vcpu = vcpu;
  }, (s, def) => withMonitor(s, async (mon) => {
    if (added) {
      await plugVcpus(mon, added);
      return pinVcpuThreads(mon, s.pid!, def, added);
    }
    const slots = (await mon.execute<HotpluggableCpu[]>('query-hotpluggable-cpus')).filter((c) => c['qom-path'] === undefined).reverse();
    for (let n = from; n < count; n++) {
      const slot = slots.shift();
      if (!slot) throw new VirError(ErrorCode.INTERNAL_ERROR, 'no free vCPU slot in QEMU', D);
      await mon.execute('device_add', { driver: slot.type, id: `vcpu${n}`, ...slot.props });
    }
  }));
}

/** vcpucount: the current or maximum count of the live or persistent definition. */
export function vcpuCount(d: StoredDomain, flags: number): number {
  checkFlags(flags, V.LIVE | V.CONFIG | V.MAXIMUM, 'qemuDomainGetVcpusFlags', D);
  const impact = modificationImpact(d, flags);
  if (impact.live && impact.config) throw new VirError(ErrorCode.INVALID_ARG, "invalid flag combination: (0x3)", D);
  const def = impact.live ? parseDomainXML((d.status as ActiveStatus).xml, { arch: GUEST_ARCH }) : d.persistentDef!;
  return flags & V.MAXIMUM ? def.vcpu.count : (def.vcpu.current ?? def.vcpu.count);
}
