import { domainPart, toKiB, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';

type Timer = NonNullable<NonNullable<ReturnType<typeof domainPart<'clock'>>>['timers']>[number];

const timer = (def: DomainDef, name: Timer['name']): Timer | undefined => domainPart(def, 'clock')?.timers?.find((t) => t.name === name);

/** `-rtc`: the guest clock's base, and QEMU catching up lost RTC ticks when the rtc timer asks for it. */
export function rtcArgs(def: DomainDef): string[] {
  const clock = domainPart(def, 'clock');
  const offset = clock?.offset ?? def.clockOffset ?? 'utc';
  let base: string;
  if (offset === 'localtime' || offset === 'utc') base = offset;
  else if (offset === 'absolute' && clock?.start !== undefined) base = new Date(clock.start * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  else throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unsupported clock offset '${offset}'`, ErrorDomain.QEMU);
  const rtc = timer(def, 'rtc');
  if (rtc?.tickpolicy !== undefined && rtc.tickpolicy !== 'catchup' && rtc.tickpolicy !== 'delay') {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unsupported rtc timer tickpolicy '${rtc.tickpolicy}'`, ErrorDomain.QEMU);
  }
  return ['-rtc', `base=${base}${rtc?.tickpolicy === 'catchup' ? ',driftfix=slew' : ''}`];
}

const PIT_POLICIES: Record<string, string> = { delay: 'delay', catchup: 'slew', discard: 'discard' };

/** `-global kvm-pit.lost_tick_policy` for a PIT timer with a tick policy. */
export function pitArgs(def: DomainDef): string[] {
  const policy = timer(def, 'pit')?.tickpolicy;
  if (policy === undefined) return [];
  const qemu = PIT_POLICIES[policy];
  if (!qemu) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unsupported pit tickpolicy '${policy}'`, ErrorDomain.QEMU);
  return ['-global', `kvm-pit.lost_tick_policy=${qemu}`];
}

/** `hpet=off` on `-machine` when the HPET timer is absent. */
export const hpetOff = (def: DomainDef): boolean => timer(def, 'hpet')?.present === false;

/** `-global ...disable_s3/s4` of `<pm>`: on the PIIX4 power management of a PC, the ICH9 LPC of q35. */
export function pmArgs(def: DomainDef): string[] {
  const pm = domainPart(def, 'pm');
  if (!pm) return [];
  const device = hasPcieRoot(def.devices) ? 'ICH9-LPC' : 'PIIX4_PM';
  const out: string[] = [];
  if (pm.suspendToMem !== undefined) out.push('-global', `${device}.disable_s3=${pm.suspendToMem ? 0 : 1}`);
  if (pm.suspendToDisk !== undefined) out.push('-global', `${device}.disable_s4=${pm.suspendToDisk ? 0 : 1}`);
  return out;
}

/** The `-machine` switches of `<features>` and devices, in libvirt's order before and after dump-guest-core. */
export function machineProps(def: DomainDef): { before: string[]; after: string[] } {
  const f = domainPart(def, 'features');
  const iommu = devicesOf(def.devices, 'iommu').find((i) => i.model === 'intel');
  const split = f?.ioapicDriver === 'qemu' || iommu?.driver?.intremap === true;
  const before = [
    ...(f?.vmport !== undefined ? [`vmport=${f.vmport ? 'on' : 'off'}`] : []),
    ...(f?.smm !== undefined ? [`smm=${f.smm ? 'on' : 'off'}`] : []),
    ...(split ? ['kernel_irqchip=split'] : f?.ioapicDriver === 'kvm' ? ['kernel_irqchip=on'] : []),
  ];
  const after = devicesOf(def.devices, 'memory').some((m) => m.model === 'nvdimm') ? ['nvdimm=on'] : [];
  return { before, after };
}

/** The SMM TSEG size of `<features><smm><tseg>`, in bytes. */
export function tsegBytes(def: DomainDef): number | undefined {
  const f = domainPart(def, 'features');
  return f?.tseg === undefined ? undefined : toKiB(f.tseg, f.tsegUnit ?? 'MiB') * 1024;
}

/** `-accel`: the accelerator, and TCG's translation block cache size (in MiB) when the definition sets one. */
export function accelArg(def: DomainDef, accel: 'kvm' | 'tcg'): string {
  const f = domainPart(def, 'features');
  if (accel !== 'tcg' || f?.tbCache === undefined) return accel;
  return `tcg,tb-size=${Math.floor(toKiB(f.tbCache, f.tbCacheUnit ?? 'MiB') / 1024)}`;
}

/** `-global mch.extended-tseg-mbytes` of an SMM TSEG size (in MiB). */
export function tsegArgs(def: DomainDef): string[] {
  const bytes = tsegBytes(def);
  return bytes === undefined ? [] : ['-global', `mch.extended-tseg-mbytes=${bytes / (1024 * 1024)}`];
}

/** `-device intel-iommu` and its options, or the virtio-iommu PCI device. */
export function iommuArgs(def: DomainDef): string[] {
  return devicesOf(def.devices, 'iommu').flatMap((i) => {
    if (i.model === 'virtio') return ['-device', JSON.stringify({ driver: 'virtio-iommu', id: 'iommu0', ...pciProps(pciAddressOf(i), hasPcieRoot(def.devices)) })];
    if (i.model !== 'intel') return [];
    const d = i.driver ?? {};
    const onOff = (v: boolean | undefined, name: string): Record<string, string> => (v === undefined ? {} : { [name]: v ? 'on' : 'off' });
    return ['-device', JSON.stringify({
      driver: 'intel-iommu', id: 'iommu0', ...onOff(d.intremap, 'intremap'), ...(d.cachingMode !== undefined ? { 'caching-mode': d.cachingMode } : {}),
      ...onOff(d.eim, 'eim'), ...(d.iotlb !== undefined ? { 'device-iotlb': d.iotlb } : {}), ...(d.awBits !== undefined ? { 'aw-bits': d.awBits } : {}),
    })];
  });
}
