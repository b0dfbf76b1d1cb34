import { domainPart, type DomainBasics, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskBus, disksOf } from '../devices/qemu-disk.js';
import { devicesOf } from '../devices/typed-devices.js';
import { isQ35 } from './qemu-defaults.js';
import { defaultTpmVersion } from '../tpm/swtpm-paths.js';
import { checkAutoselection } from '../command/firmware-args.js';
import { checkHostdevs } from '../devices/hostdev-validate.js';
import { checkDevices } from '../devices/device-checks.js';
import { checkShmems } from '../devices/shmem-rules.js';
import { checkSpicevmc } from '../devices/spicevmc-check.js';
import { checkVsock } from '../devices/vsock-rules.js';
import { checkUsbEnabled } from '../devices/usb-addresses.js';
import { checkVhostUserDisks } from '../command/vhost-user-disk.js';

/** The emulator of a definition without `<emulator>`. */
export const DEFAULT_EMULATOR = '/usr/bin/qemu-system-x86_64';

const unsupported = (msg: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, ErrorDomain.QEMU);
const detail = (msg: string): VirError => new VirError(ErrorCode.XML_DETAIL, msg, ErrorDomain.DOMAIN);

/** Firmware: UEFI (chosen, or a pflash loader) needs ACPI on x86; no NVRAM for a stateless loader. */
function checkFirmware(def: DomainDef): void {
  const os = domainPart(def, 'os');
  // What autoselection leaves no room for is a parse error in libvirt, found before any QEMU check.
  if (os?.firmware !== undefined) checkAutoselection(os);
  if ((os?.firmware === 'efi' || os?.loader?.type === 'pflash') && !domainPart(def, 'features')?.acpi) throw unsupported('UEFI requires ACPI on this architecture');
  if (os?.loader?.stateless !== true || !os.nvram) return;
  if (os.nvram.path?.trim() || os.nvram.source) throw detail('NVRAM is not permitted when loader is stateless');
  if (os.nvram.template !== undefined) throw detail('NVRAM template is not permitted when loader is stateless');
}

/** Disks: addresses that fit their bus, vendor/product only on SCSI, concurrent access and encryption only where QEMU has them. */
function checkDisks(def: DomainDef): void {
  for (const d of devicesOf(def.devices, 'disk')) {
    const bus = diskBus(d);
    const target = d.target?.dev ?? '';
    if (d.address && d.address.type !== 'drive' && (bus === 'ide' || bus === 'sata' || bus === 'scsi' || bus === 'fdc')) {
      throw unsupported(`Invalid address type '${d.address.type}' for the disk '${target}' with the bus type '${bus}'`);
    }
    if ((d.vendor !== undefined || d.product !== undefined) && bus !== 'scsi') throw unsupported('Only scsi disk supports vendor and product');
    const format = d.driver?.type ?? 'raw';
    if (d.shareable && !d.readonly && format !== 'raw') throw unsupported(`shared access for disk '${target}' requires use of supported storage format`);
    if (d.encryptionFormat !== undefined && d.source?.encryptionFormat !== undefined) throw unsupported('an <encryption> definition already found for disk source');
    const luks = d.encryptionFormat === 'luks' || d.source?.encryptionFormat === 'luks';
    if (luks && format !== 'raw' && format !== 'qcow2') throw unsupported("encryption is supported only with 'raw' and 'qcow2' image format");
    // LUKS images name their own cipher (virDomainDiskDefValidateSource, after the QEMU checks).
    if (luks && (d.encryptionCipher ?? d.source?.encryptionCipher) !== undefined) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'supplying <cipher> for domain disk definition is unnecessary', ErrorDomain.DOMAIN);
  }
}

/** Machine features: SMM's TSEG only on q35, in whole MiB; the Intel IOMMU only on q35; a virtio IOMMU on PCI. */
function checkMachine(def: DomainDef, tsegBytes: number | undefined): void {
  const q35 = isQ35(def.os.machine);
  if (tsegBytes !== undefined) {
    if (!q35) throw unsupported('SMM TSEG is only supported with q35 machine type');
    if (tsegBytes % (1024 * 1024) !== 0) throw unsupported('SMM TSEG size must be divisible by 1 MiB');
  }
  for (const i of devicesOf(def.devices, 'iommu')) {
    if (i.model === 'intel' && !q35) throw unsupported("IOMMU device: 'intel' is only supported with Q35 machines");
    if (i.model === 'virtio' && i.address && i.address.type !== 'pci') throw unsupported("IOMMU device: 'virtio' needs a PCI address");
  }
}

/** Displays: QEMU drives one OpenGL display at most. */
function checkGraphics(def: DomainDef): void {
  const gl = devicesOf(def.devices, 'graphics').filter((g) => g.type === 'egl-headless' || g.gl?.enable === true);
  if (gl.length > 1) throw unsupported('multiple OpenGL displays are not supported by QEMU');
}

/** Inputs: (non-)transitional virtio models exist only for passthrough. */
function checkInputs(def: DomainDef): void {
  for (const i of devicesOf(def.devices, 'input')) {
    if ((i.model === 'virtio-transitional' || i.model === 'virtio-non-transitional') && i.type !== 'passthrough') {
      throw unsupported(`virtio (non-)transitional models are not supported for input type=${i.type}`);
    }
  }
}

/** TPMs: TPM 1.2 has no CRB interface. */
function checkTpms(def: DomainDef): void {
  for (const t of devicesOf(def.devices, 'tpm')) {
    const version = t.backend?.version ?? defaultTpmVersion(t.model);
    if (t.backend?.type === 'emulator' && version === '1.2' && t.model === 'tpm-crb') throw unsupported(`Unsupported interface '${t.model}' for TPM 1.2`);
  }
}

/**
 * Lifecycle actions this driver can carry out (qemuValidateLifecycleAction): no `rename-restart`,
 * `preserve` only on a crash, and no power-off restart with a reboot that destroys.
 */
export function checkLifecycle(def: Pick<DomainDef, 'onPoweroff' | 'onReboot' | 'onCrash'>): void {
  const { onPoweroff, onReboot, onCrash } = def;
  if ([onPoweroff, onReboot, onCrash].includes('rename-restart')) {
    throw unsupported("qemu driver doesn't support the 'rename-restart' action for 'on_reboot'/'on_poweroff'/'on_crash'");
  }
  if (onPoweroff === 'preserve' || onReboot === 'preserve') throw unsupported("qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'");
  if (onPoweroff === 'restart' && onReboot === 'destroy') {
    throw unsupported("qemu driver doesn't support 'onReboot' set to 'destroy and 'onPoweroff' set to 'reboot'");
  }
}

/**
 * What the emulator runs (the head of qemuValidateDomainDef), before libvirt's generic checks of
 * the devices: an HVM guest, of x86_64 or i686 (the x86_64 emulator's), under TCG or KVM.
 */
export function checkEmulator(d: DomainBasics): void {
  const emulator = d.emulator ?? DEFAULT_EMULATOR;
  if (d.osType !== 'hvm') throw unsupported(`Emulator '${emulator}' does not support os type '${d.osType}'`);
  if (d.arch !== undefined && d.arch !== 'x86_64' && d.arch !== 'i686') throw unsupported(`Emulator '${emulator}' does not support arch '${d.arch}'`);
  if (d.virtType !== 'qemu' && d.virtType !== 'kvm') throw unsupported(`Emulator '${emulator}' does not support virt type '${d.virtType}'`);
}

/**
 * libvirt's QEMU-level checks of a definition (qemuValidateDomainDef and friends) that this
 * driver makes at define time, each with libvirt's words. `tsegBytes` is the SMM TSEG size;
 * `wholeXml` says whether libvirt's parser read every device (not so for a config attach).
 */
export function validateQemuDomain(def: DomainDef, tsegBytes: number | undefined, wholeXml = true): void {
  // Its parser's refusals come first in libvirt too.
  checkShmems(def);
  checkFirmware(def);
  checkDisks(def);
  checkMachine(def, tsegBytes);
  checkGraphics(def);
  checkInputs(def);
  checkTpms(def);
  checkLifecycle(def);
  checkHostdevs(def);
  checkVhostUserDisks(def, disksOf(def.devices));
  checkDevices(def);
  checkVsock(def);
  checkSpicevmc(def);
  checkUsbEnabled(def, wholeXml);
}
