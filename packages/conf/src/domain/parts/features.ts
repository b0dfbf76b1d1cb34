import { at, attr, child, flag, model } from '../../model/binding.js';
import { onOff } from '../../model/codec.js';

const state = (name: string) => at(name, attr('state', onOff));

/** `<features>`: hypervisor features turned on or off for the guest. */
export const FEATURES = model('features', {
  acpi: flag('acpi'),
  apic: flag('apic'),
  apicEoi: at('apic', attr('eoi', onOff)),
  pae: flag('pae'),
  hap: flag('hap'),
  viridian: flag('viridian'),
  privnet: flag('privnet'),
  pvspinlock: state('pvspinlock'),
  vmport: state('vmport'),
  smm: state('smm'),
  pmu: state('pmu'),
  vmcoreinfo: state('vmcoreinfo'),
  htm: state('htm'),
  nestedHv: state('nested-hv'),
  gicVersion: at('gic', attr('version')),
  ioapicDriver: at('ioapic', attr('driver')),
  hpt: child('hpt', { resizing: attr('resizing') }),
  hyperv: child('hyperv', { mode: attr('mode') }),
  kvmHidden: at('kvm', state('hidden')),
});
