import { attr, childElements, domainPart, firstChild, type DomainDef } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';

/** The Hyper-V enlightenments in libvirt's order, with how each becomes a `-cpu` property. */
const HYPERV: Array<[name: string, prop: (el: { value?: string; retries?: string }) => string]> = [
  ['relaxed', () => 'hv-relaxed=on'], ['vapic', () => 'hv-vapic=on'],
  ['spinlocks', (e) => `hv-spinlocks=0x${Number(e.retries ?? 4095).toString(16)}`], ['vpindex', () => 'hv-vpindex=on'],
  ['runtime', () => 'hv-runtime=on'], ['synic', () => 'hv-synic=on'], ['stimer', () => 'hv-stimer=on'], ['reset', () => 'hv-reset=on'],
  ['vendor_id', (e) => `hv-vendor-id=${e.value ?? ''}`], ['frequencies', () => 'hv-frequencies=on'],
  ['reenlightenment', () => 'hv-reenlightenment=on'], ['tlbflush', () => 'hv-tlbflush=on'], ['ipi', () => 'hv-ipi=on'],
  ['evmcs', () => 'hv-evmcs=on'], ['avic', () => 'hv-avic=on'],
];

/** The `state='on'` Hyper-V enlightenments of `<features><hyperv>`, as `-cpu` properties. */
function hypervProps(def: DomainDef): string[] {
  const hyperv = def.other.find((e) => e.name === 'features');
  const el = hyperv && firstChild(hyperv, 'hyperv');
  if (!el) return [];
  const on = new Map(childElements(el).filter((c) => attr(c, 'state') === 'on').map((c) => [c.name, c]));
  return HYPERV.flatMap(([name, prop]) => {
    const c = on.get(name);
    if (!c) return [];
    const direct = firstChild(c, 'direct');
    const stimerDirect = name === 'stimer' && direct && attr(direct, 'state') === 'on' ? ['hv-stimer-direct=on'] : [];
    return [prop({ value: attr(c, 'value'), retries: attr(c, 'retries') }), ...stimerDirect];
  });
}

/**
 * The paravirtual features a guest's CPU is given beyond its model, in libvirt's order: kvmclock,
 * the PV EOI of `<apic eoi>`, PV spinlocks, Hyper-V enlightenments, and Hyper-V's crash MSRs for
 * a hyperv panic device.
 */
export function cpuFeatureProps(def: DomainDef): string[] {
  const features = domainPart(def, 'features');
  const kvmclock = domainPart(def, 'clock')?.timers?.find((t) => t.name === 'kvmclock');
  const eoi = features?.apicEoi;
  return [
    ...(kvmclock?.present !== undefined ? [`kvmclock=${kvmclock.present ? 'on' : 'off'}`] : []),
    ...(eoi !== undefined ? [`kvm-pv-eoi=${eoi ? 'on' : 'off'}`] : []),
    ...(features?.pvspinlock !== undefined ? [`kvm-pv-unhalt=${features.pvspinlock ? 'on' : 'off'}`] : []),
    ...hypervProps(def),
    ...(devicesOf(def.devices, 'panic').some((p) => p.model === 'hyperv') ? ['hv-crash'] : []),
  ];
}
