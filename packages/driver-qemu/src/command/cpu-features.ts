import { domainPart, type DomainDef, type DomainPart } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';

type Hyperv = NonNullable<NonNullable<DomainPart<'features'>>['hyperv']>;
type Enlightenment = 'relaxed' | 'vapic' | 'spinlocks' | 'vpindex' | 'runtime' | 'synic' | 'stimer' | 'reset' | 'vendorId' | 'frequencies' | 'reenlightenment' | 'tlbflush' | 'ipi' | 'evmcs' | 'avic';

/** The Hyper-V enlightenments in libvirt's order, with the `-cpu` properties each one turned on becomes. */
const HYPERV: Array<[name: Enlightenment, props: (h: Hyperv) => string[]]> = [
  ['relaxed', () => ['hv-relaxed=on']], ['vapic', () => ['hv-vapic=on']],
  ['spinlocks', (h) => [`hv-spinlocks=0x${(h.spinlocksRetries ?? 4095).toString(16)}`]], ['vpindex', () => ['hv-vpindex=on']],
  ['runtime', () => ['hv-runtime=on']], ['synic', () => ['hv-synic=on']],
  ['stimer', (h) => ['hv-stimer=on', ...(h.stimerDirect === true ? ['hv-stimer-direct=on'] : [])]], ['reset', () => ['hv-reset=on']],
  ['vendorId', (h) => [`hv-vendor-id=${h.vendorIdValue ?? ''}`]], ['frequencies', () => ['hv-frequencies=on']],
  ['reenlightenment', () => ['hv-reenlightenment=on']], ['tlbflush', () => ['hv-tlbflush=on']], ['ipi', () => ['hv-ipi=on']],
  ['evmcs', () => ['hv-evmcs=on']], ['avic', () => ['hv-avic=on']],
];

/** The `state='on'` Hyper-V enlightenments of `<features><hyperv>`, as `-cpu` properties. */
function hypervProps(def: DomainDef): string[] {
  const hyperv = domainPart(def, 'features')?.hyperv;
  if (!hyperv) return [];
  return HYPERV.flatMap(([name, props]) => (hyperv[name] === true ? props(hyperv) : []));
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
