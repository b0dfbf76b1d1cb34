import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement } from '../xml/xml-node.js';
import { missingAttr } from '../model/codec.js';
import { VCPUS } from './parts/vcpus.js';
import type { DomainVcpu, DomainVcpuState } from './domain-def.js';

/** A driver's own rules for `<vcpus>`, run on the states as written, before libvirt's defaults (the QEMU driver's). */
export type VcpuStateCheck = (states: readonly DomainVcpuState[]) => void;

/** Whether a vCPU can be plugged and unplugged: as written, else libvirt's default (online ones are not, offline ones are). */
export const vcpuHotpluggable = (s: DomainVcpuState): boolean => s.hotpluggable ?? !s.enabled;

/**
 * `<vcpus>`: the state of every vCPU up to the maximum, by id (one left out is offline); the online
 * count then stands for `<vcpu current>`. Undefined when the element lists none, as libvirt ignores it.
 */
export function vcpuStatesOf(el: XmlElement | undefined, vcpu: DomainVcpu, check?: VcpuStateCheck): DomainVcpuState[] | undefined {
  const listed = el && VCPUS.parse(el).vcpus;
  if (!listed) return undefined;
  const states: DomainVcpuState[] = Array.from({ length: vcpu.count }, () => ({ enabled: false }));
  for (const v of listed) {
    if (v.id === undefined) throw missingAttr('id', 'vcpu');
    if (v.id >= vcpu.count) throw new VirError(ErrorCode.XML_ERROR, `vcpu id '${v.id}' is out of range of maximum vcpu count`, ErrorDomain.DOMAIN);
    if (v.enabled === undefined) throw missingAttr('enabled', 'vcpu');
    states[v.id] = {
      enabled: v.enabled,
      ...(v.hotpluggable !== undefined ? { hotpluggable: v.hotpluggable } : {}),
      ...(v.order ? { order: v.order } : {}),
    };
  }
  check?.(states);
  states.forEach((s, i) => {
    if (s.hotpluggable === false && !s.enabled) {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `vcpu '${i}' is both offline and not hotpluggable`, ErrorDomain.DOMAIN);
    }
    s.hotpluggable = vcpuHotpluggable(s);
  });
  return states;
}

/** The online count of a domain whose vCPUs are listed one by one. */
export const onlineVcpus = (states: readonly DomainVcpuState[]): number => states.filter((s) => s.enabled).length;

/**
 * `<vcpus>` as libvirt writes it: every vCPU, an order only where one is set. A parsed state has
 * libvirt's hotpluggable default filled in; one a driver adds without it is written without it, as
 * libvirt writes a vCPU a new maximum adds until the definition is read again.
 */
export function vcpusElement(states: readonly DomainVcpuState[]): XmlElement {
  return VCPUS.format({
    vcpus: mapPacked(states, (s, id) => ({ id, enabled: s.enabled, ...(s.hotpluggable !== undefined ? { hotpluggable: s.hotpluggable } : {}), ...(s.order ? { order: s.order } : {}) })),
  });
}
