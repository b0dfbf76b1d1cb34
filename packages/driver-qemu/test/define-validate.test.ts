import { describe, expect, it } from 'vitest';
import { parseQemuDomain } from '../src/driver/domain-define.js';

/** A domain of virt type `type` and architecture `arch`, with `devices` after its `<emulator>` (none when `emulator` is empty). */
const domain = (devices: string, { type = 'qemu', arch = 'x86_64', emulator = '/usr/bin/qemu-system-x86_64' } = {}): string =>
  `<domain type='${type}'><name>v</name><memory>65536</memory><os><type arch='${arch}'>hvm</type></os>
  <devices>${emulator ? `<emulator>${emulator}</emulator>` : ''}${devices}</devices></domain>`;

const unixSerial = "<serial type='unix'><target type='pci-serial'/></serial>";

describe("define-time checks in libvirt's order", () => {
  it("checks the emulator's architecture, then virt type, before libvirt's generic device checks", () => {
    expect(() => parseQemuDomain(domain(unixSerial, { arch: 'aarch64', emulator: '/usr/bin/qemu-system-aarch64' })))
      .toThrow("unsupported configuration: Emulator '/usr/bin/qemu-system-aarch64' does not support arch 'aarch64'");
    expect(() => parseQemuDomain(domain('', { arch: 'aarch64', emulator: '' })))
      .toThrow("Emulator '/usr/bin/qemu-system-x86_64' does not support arch 'aarch64'");
    expect(() => parseQemuDomain(domain(unixSerial, { type: 'xen', arch: 'ppc64' }))).toThrow("does not support arch 'ppc64'");
    expect(() => parseQemuDomain(domain(unixSerial, { type: 'xen' }))).toThrow("Emulator '/usr/bin/qemu-system-x86_64' does not support virt type 'xen'");
    expect(() => parseQemuDomain(domain(unixSerial))).toThrow('internal error: Missing source path attribute for char device');
    expect(() => parseQemuDomain(domain(unixSerial, { arch: 'i686' }))).toThrow('Missing source path attribute for char device');
  });

  it('refuses a <cipher> of a LUKS disk, wherever its <encryption> is', () => {
    const enc = "<encryption format='luks'><secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/><cipher name='serpent' size='256' mode='cbc' hash='sha256'/></encryption>";
    const disk = (inSource: boolean): string => `<disk type='file' device='disk'><driver name='qemu' type='raw'/>
      <source file='/i.img'>${inSource ? enc : ''}</source><target dev='vda' bus='virtio'/>${inSource ? '' : enc}</disk>`;
    for (const inSource of [false, true]) {
      expect(() => parseQemuDomain(domain(disk(inSource)))).toThrow('unsupported configuration: supplying <cipher> for domain disk definition is unnecessary');
    }
    expect(() => parseQemuDomain(domain(disk(false).replace(/<cipher[^>]*\/>/, '')))).not.toThrow();
  });
});
