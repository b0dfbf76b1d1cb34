import { randomBytes } from 'node:crypto';
import { deviceElement, newDevice, parseDomainXML, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { assignPciAddresses } from '../command/pci-address.js';
import { assignUsbAddresses } from '../devices/usb-addresses.js';
import { disksOf } from '../devices/qemu-disk.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { tsegBytes } from '../command/machine-args.js';
import { checkEmulator, DEFAULT_EMULATOR, validateQemuDomain } from './domain-validate.js';
import { applyQemuDefaults, consolePorts } from './qemu-defaults.js';
import { checkQemuVcpus } from '../vcpu/vcpu-rules.js';

/** A MAC address in QEMU's range 52:54:00, as libvirt generates one. */
export function generateMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** Checks a domain name can name files in the state directory without escaping it. */
function checkName(name: string): void {
  if (name.startsWith('.') || name.includes('\0') || Buffer.byteLength(name) > 200) {
    throw new VirError(ErrorCode.XML_ERROR, `name '${name}' cannot be used for a QEMU domain`, ErrorDomain.DOMAIN);
  }
}

/**
 * Parses a definition for this driver and fills in what libvirt's QEMU driver fills in when a
 * domain is defined: the emulator, the architecture, MAC addresses and PCI slots. Definitions the
 * driver could never run (another virt type, unknown disk kinds) are refused here. `wholeXml` is
 * false for a definition a config attach extends: libvirt reads only the new device then.
 */
export function parseQemuDomain(xml: string, abiUpdate = true, wholeXml = true): DomainDef {
  const def = parseDomainXML(xml, { arch: GUEST_ARCH, checkVcpus: checkQemuVcpus, checkDomain: checkEmulator });
  checkName(def.name);
  disksOf(def.devices);
  validateQemuDomain(def, tsegBytes(def), wholeXml);
  if (!def.devices.some((d) => d.name === 'emulator')) def.devices.unshift(deviceElement(newDevice('emulator', { path: DEFAULT_EMULATOR })));
  for (const nic of devicesOf(def.devices, 'interface')) {
    if (nic.mac !== undefined) continue;
    nic.mac = generateMac();
    writeBack(def, nic);
  }
  // A stored definition keeps its consoles' ports; a config attach numbers them itself (`hotplug/config-attach.ts`).
  if (abiUpdate && wholeXml) consolePorts(def);
  applyQemuDefaults(def, abiUpdate);
  assignPciAddresses(def.devices, def.os.machine);
  // libvirt gives USB ports only to a new definition (VIR_DOMAIN_DEF_PARSE_ABI_UPDATE), not to a stored one read again.
  if (abiUpdate) assignUsbAddresses(def);
  return def;
}

/** Whether a definition has a disk with target `dev`. */
export function hasDiskTarget(def: DomainDef, dev: string): boolean {
  return devicesOf(def.devices, 'disk').some((d) => d.target?.dev === dev);
}
