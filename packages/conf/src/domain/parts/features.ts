import { at, attr, body, child, flag, model } from '../../model/binding.js';
import { onOff, uint } from '../../model/codec.js';

const state = (name: string) => at(name, attr('state', onOff));

/** `<features>`: hypervisor features turned on or off for the guest. */
export const FEATURES = model('features', () => ({
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
  // The SMM TSEG size as written, and its unit (MiB when none is given).
  tseg: at('smm', at('tseg', body(uint))),
  tsegUnit: at('smm', at('tseg', attr('unit'))),
  // TCG's translation block cache size as written, and its unit (MiB when none is given).
  tbCache: at('tcg', at('tb-cache', body(uint))),
  tbCacheUnit: at('tcg', at('tb-cache', attr('unit'))),
  pmu: state('pmu'),
  vmcoreinfo: state('vmcoreinfo'),
  htm: state('htm'),
  nestedHv: state('nested-hv'),
  gicVersion: at('gic', attr('version')),
  ioapicDriver: at('ioapic', attr('driver')),
  hpt: child('hpt', { resizing: attr('resizing') }),
  hyperv: child('hyperv', {
    mode: attr('mode'),
    relaxed: state('relaxed'),
    vapic: state('vapic'),
    spinlocks: state('spinlocks'),
    spinlocksRetries: at('spinlocks', attr('retries', uint)),
    vpindex: state('vpindex'),
    runtime: state('runtime'),
    synic: state('synic'),
    stimer: state('stimer'),
    stimerDirect: at('stimer', state('direct')),
    reset: state('reset'),
    vendorId: state('vendor_id'),
    vendorIdValue: at('vendor_id', attr('value')),
    frequencies: state('frequencies'),
    reenlightenment: state('reenlightenment'),
    tlbflush: state('tlbflush'),
    ipi: state('ipi'),
    evmcs: state('evmcs'),
    avic: state('avic'),
  }),
  kvmHidden: at('kvm', state('hidden')),
}));
