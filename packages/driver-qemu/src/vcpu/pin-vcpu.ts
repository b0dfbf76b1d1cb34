import { formatCpuSet, onlineVcpus, otherPart, parseCpuSet, parseDomainXML, setDomainPart, type DomainDef } from '@tsvirt/conf';
import { DomainModificationImpact as I } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { setAffinity } from '../cputune/emulator-pin.js';
import { applyChange } from '../driver/domain-resources.js';
import type { DriverContext } from '../driver/driver-context.js';
import { modificationImpact } from '../driver/modification-impact.js';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, type StoredDomain } from '../state/qemu-store.js';
import { vcpuThreads } from './vcpu-slots.js';

const D = ErrorDomain.QEMU;

const sameSet = (a: string, b: string | undefined): boolean => b !== undefined && formatCpuSet(parseCpuSet(a)) === formatCpuSet(parseCpuSet(b));

/** `def` with vCPU `vcpu` pinned to `cpuset`, pins in vCPU order; a pin equal to `<vcpu cpuset>` is not written, as libvirt formats none. */
function setPin(def: DomainDef, vcpu: number, cpuset: string): void {
  const cputune = otherPart(def, 'cputune');
  const others = (cputune?.vcpupins ?? []).filter((p) => p.vcpu !== vcpu);
  const pins = sameSet(cpuset, def.vcpu.cpuset) ? others : [...others, { vcpu, cpuset }].sort((a, b) => a.vcpu! - b.vcpu!);
  setDomainPart(def, 'cputune', { ...cputune, vcpupins: pins.length ? pins : undefined });
}

/**
 * libvirt's range refusal of a vCPU beyond the definition's maximum; its message counts the live
 * definition's maximum but the persistent one's online vCPUs.
 */
function checkInRange(def: DomainDef, vcpu: number, which: 'live' | 'persistent'): void {
  if (vcpu >= def.vcpu.count) {
    const count = which === 'live' ? def.vcpu.count : (def.vcpu.vcpus ? onlineVcpus(def.vcpu.vcpus) : def.vcpu.current ?? def.vcpu.count);
    throw new VirError(ErrorCode.INVALID_ARG, `vcpu ${vcpu} is out of range of ${which} cpu count ${count}`, D);
  }
}

/**
 * virDomainPinVcpuFlags as libvirt 9.0's QEMU driver: the vCPU checked against each definition
 * the flags reach, an empty map refused, an online vCPU's thread moved before the live
 * `<cputune><vcpupin>` changes (an offline one keeps the pin for its plug), the persistent one written.
 */
export async function pinVcpu(drv: DriverContext, d: StoredDomain, vcpu: number, cpumap: readonly boolean[], flags: number): Promise<void> {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainPinVcpuFlags', D);
  const impact = modificationImpact(d, flags);
  if (impact.config) checkInRange(d.persistentDef!, vcpu, 'persistent');
  if (!cpumap.some(Boolean)) throw new VirError(ErrorCode.INVALID_ARG, 'Empty cpu list for pinning', D);
  if (impact.live) checkInRange(parseDomainXML((d.status as ActiveStatus).xml, { arch: GUEST_ARCH }), vcpu, 'live');
  const cpuset = formatCpuSet(cpumap);
  await applyChange(drv, d, flags, (def) => setPin(def, vcpu, cpuset), async (s) => {
    const tid = (await withMonitor(s, vcpuThreads)).get(vcpu);
    if (tid !== undefined) await setAffinity(tid, cpuset, false);
  });
}
