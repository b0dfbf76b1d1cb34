import type { DomainVcpuState } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, ErrorDomain.QEMU);

/**
 * libvirt's QEMU rules for `<vcpus>`: vCPU 0 online, not hotpluggable and first; orders on every
 * online vCPU or on none; vCPUs QEMU starts itself (online, not hotpluggable) before the others and
 * in ascending order. Run at define on the states as written, at start on the defaulted ones.
 */
export function checkQemuVcpus(states: readonly DomainVcpuState[]): void {
  const first = states[0];
  if (!first) return;
  if (!first.enabled) throw unsupported("vcpu 0 can't be offline");
  if (first.hotpluggable === true) throw unsupported("vcpu0 can't be hotpluggable");
  if (first.order !== undefined && first.order !== 1) throw unsupported('vcpu0 must be enabled first');
  const ordered = first.order !== undefined;
  let prev = first;
  for (const vcpu of states.slice(1)) {
    if (vcpu.enabled && (vcpu.order !== undefined) !== ordered) throw unsupported('all vcpus must have either set or unset order');
    if (vcpu.hotpluggable === false) {
      if (prev.hotpluggable === true) throw unsupported('online non-hotpluggable vcpus need to be ordered prior to hotplugable vcpus');
      if ((prev.order ?? 0) > (vcpu.order ?? 0)) throw unsupported('online non-hotpluggable vcpus must be ordered in ascending order');
    }
    prev = vcpu;
  }
}
