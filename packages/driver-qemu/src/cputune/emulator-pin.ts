import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { formatCpuSet, otherPart, parseCpuSet, parseDomainXML, setDomainPart, type DomainDef } from '@tsvirt/conf';
import { DomainModificationImpact as I } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { applyChange } from '../driver/domain-resources.js';
import type { DriverContext } from '../driver/driver-context.js';
import { modificationImpact } from '../driver/modification-impact.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, type StoredDomain } from '../state/qemu-store.js';

const D = ErrorDomain.QEMU;

/** The CPUs the emulator may use by the definition: `<emulatorpin>`, else `<vcpu cpuset>`, else none named. */
const pinnedSet = (def: DomainDef): string | undefined => otherPart(def, 'cputune')?.emulatorpin ?? def.vcpu.cpuset;

/**
 * Sets a QEMU's CPU affinity with util-linux's taskset (Node has no sched_setaffinity): its main
 * thread, as libvirt's live pinning does, or every thread, as a start does before the guest runs.
 */
export async function setAffinity(pid: number, cpuset: string, allThreads: boolean): Promise<void> {
  // execFile is looked up here, not when the module loads: that would load Node's process and
  // socket modules into every process that opens the driver.
  await promisify(execFile)('taskset', [...(allThreads ? ['-a'] : []), '-p', '-c', cpuset, String(pid)]).catch((e: { stderr?: string }) => {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `cannot set CPU affinity on process ${pid}: ${(e.stderr ?? '').trim()}`, D);
  });
}

/** At start, as libvirt's qemuProcessInitCpuAffinity: a pinned emulator's CPUs for the whole process. */
export async function emulatorPinSetup(pid: number, def: DomainDef): Promise<void> {
  const cpuset = pinnedSet(def);
  if (cpuset !== undefined) await setAffinity(pid, cpuset, true);
}

/**
 * virDomainGetEmulatorPinInfo as libvirt 9.0's QEMU driver: one map as wide as the host, from the
 * live or the persistent definition the flags name; every CPU when nothing pins the emulator.
 */
export function emulatorPinInfo(d: StoredDomain, flags: number): boolean[] {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainGetEmulatorPinInfo', D);
  const def = modificationImpact(d, flags).live ? parseDomainXML((d.status as ActiveStatus).xml, { arch: GUEST_ARCH }) : d.persistentDef!;
  const host = cpus().length;
  const cpuset = pinnedSet(def);
  const map = cpuset === undefined ? new Array<boolean>(host).fill(true) : parseCpuSet(cpuset);
  return Array.from({ length: host }, (_, i) => map[i] === true);
}

/**
 * virDomainPinEmulator as libvirt 9.0's QEMU driver: an empty map refused, the running QEMU's
 * affinity set before the live `<cputune><emulatorpin>` changes, the persistent one written.
 */
export async function pinEmulator(drv: DriverContext, d: StoredDomain, cpumap: readonly boolean[], flags: number): Promise<void> {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainPinEmulator', D);
  modificationImpact(d, flags);
  if (!cpumap.some(Boolean)) throw new VirError(ErrorCode.INVALID_ARG, 'Empty cpu list for pinning', D);
  const cpuset = formatCpuSet(cpumap);
  await applyChange(drv, d, flags, (def) => {
    setDomainPart(def, 'cputune', { ...otherPart(def, 'cputune'), emulatorpin: cpuset });
  }, (s) => setAffinity(s.pid!, cpuset, false));
}
