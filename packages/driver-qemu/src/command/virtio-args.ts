import type { DeviceOf, XmlElement } from '@tsvirt/conf';
import { isVirtiofs, virtiofsArgs } from './virtiofs-args.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import type { JsonProps } from './disk-props.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';
import { usbPlacement } from './usb-address.js';
import { chardevArgs, type HostFds } from './chardev-host.js';
import { aliasOf } from '../devices/device-aliases.js';

/** The virtio transport options of a device's `<driver>`, as conf types them. */
type VirtioOptions = NonNullable<DeviceOf<'rng'>['driver']>;

/** `iommu_platform`, `ats`, `packed`, `page-per-vq` of a virtio device's `<driver>`, in libvirt's order. */
export function virtioOptions(driver: VirtioOptions | undefined): JsonProps {
  const out: JsonProps = {};
  const put = (v: boolean | undefined, prop: string): void => {
    if (v !== undefined) out[prop] = v;
  };
  put(driver?.iommu, 'iommu_platform');
  put(driver?.ats, 'ats');
  put(driver?.packed, 'packed');
  put(driver?.pagePerVq, 'page-per-vq');
  return out;
}

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/** `-fsdev` and `-device virtio-9p-pci` of each shared directory (9p over the local backend). */
export function filesystemArgs(devices: readonly XmlElement[], runDir: string): string[] {
  const pcieRoot = hasPcieRoot(devices);
  return devicesOf(devices, 'filesystem').flatMap((fs) => {
    if (isVirtiofs(fs)) return virtiofsArgs(fs, aliasOf(fs), runDir, pcieRoot);
    const driver = fs.driver?.type ?? 'path';
    if ((fs.type ?? 'mount') !== 'mount' || (driver !== 'path' && driver !== 'handle')) throw unsupported(`filesystem driver type '${driver}' is not supported`);
    const id = aliasOf(fs);
    const opts = [
      `${driver === 'handle' ? 'handle' : 'local'}`,
      `security_model=${fs.accessmode ?? 'passthrough'}`,
      ...(fs.driver?.wrpolicy ? [`writeout=${fs.driver.wrpolicy}`] : []),
      ...(fs.readonly ? ['readonly=on'] : []),
      ...(fs.fmode ? [`fmode=${fs.fmode.padStart(4, '0')}`] : []),
      ...(fs.dmode ? [`dmode=${fs.dmode.padStart(4, '0')}`] : []),
      `id=fsdev-${id}`,
      `path=${(fs.source?.dir ?? '').replaceAll(',', ',,')}`,
    ];
    const props = { driver: 'virtio-9p-pci', ...virtioOptions(fs.driver), id, fsdev: `fsdev-${id}`, mount_tag: fs.target, ...pciProps(pciAddressOf(fs), pcieRoot) };
    return ['-fsdev', opts.join(','), '-device', JSON.stringify(props)];
  });
}

const VIRTIO_INPUTS: Record<string, string> = { mouse: 'virtio-mouse-pci', keyboard: 'virtio-keyboard-pci', tablet: 'virtio-tablet-pci', passthrough: 'virtio-input-host-pci' };

const USB_INPUTS: Record<string, string> = { mouse: 'usb-mouse', keyboard: 'usb-kbd', tablet: 'usb-tablet' };

/** The `input-linux` object that passes a host evdev device through, grabbing it as asked. */
function inputLinuxProps(input: DeviceOf<'input'>): JsonProps {
  const src = input.source ?? {};
  return {
    'qom-type': 'input-linux', id: aliasOf(input), evdev: src.dev,
    ...(src.repeat !== undefined ? { repeat: src.repeat === 'on' } : {}),
    ...(src.grab === 'all' ? { grab_all: true } : {}),
    ...(src.grabToggle !== undefined ? { 'grab-toggle': src.grabToggle } : {}),
  };
}

/** `-device` of the virtio and USB input devices and `-object` of evdev passthrough (PS/2 ones are the machine's own). */
export function inputArgs(devices: readonly XmlElement[]): string[] {
  const pcieRoot = hasPcieRoot(devices);
  return devicesOf(devices, 'input').flatMap((input) => {
    if (input.bus === 'usb') {
      const driver = USB_INPUTS[input.type ?? ''];
      if (!driver) throw unsupported(`input device type '${input.type}' on bus usb`);
      return ['-device', JSON.stringify({ driver, id: aliasOf(input), ...usbPlacement(devices, input) })];
    }
    if (input.type === 'evdev') return ['-object', JSON.stringify(inputLinuxProps(input))];
    if (input.bus !== 'virtio') return [];
    const driver = VIRTIO_INPUTS[input.type ?? ''];
    if (!driver) throw unsupported(`input device type '${input.type}' on bus virtio`);
    const evdev = input.type === 'passthrough' ? { evdev: input.source?.evdev } : {};
    return ['-device', JSON.stringify({ driver, ...virtioOptions(input.driver), id: aliasOf(input), ...evdev, ...pciProps(pciAddressOf(input), pcieRoot) })];
  });
}

/** `-object` (the host's entropy source: a device file, QEMU's own, or an egd daemon's socket) and `-device virtio-rng-pci` of each random number generator. */
export function rngArgs(devices: readonly XmlElement[], fds: HostFds | undefined): string[] {
  const pcieRoot = hasPcieRoot(devices);
  return devicesOf(devices, 'rng').flatMap((rng) => {
    const backend = rng.backend?.model ?? 'random';
    const alias = aliasOf(rng);
    const id = `obj${alias}`;
    let object: JsonProps;
    const chardev: string[] = [];
    if (backend === 'random') {
      object = { 'qom-type': 'rng-random', id, filename: rng.backend?.path ?? '/dev/random' };
    } else if (backend === 'builtin') {
      object = { 'qom-type': 'rng-builtin', id };
    } else if (backend === 'egd') {
      // The entropy gathering daemon is reached through a character device of its own.
      chardev.push(...chardevArgs(rng.backend ?? {}, `char${alias}`, fds));
      object = { 'qom-type': 'rng-egd', id, chardev: `char${alias}` };
    } else {
      throw unsupported(`RNG backend '${backend}' is not supported by this driver yet`);
    }
    const rate = rng.rate?.bytes !== undefined ? { 'max-bytes': rng.rate.bytes, period: rng.rate.period ?? 1000 } : {};
    const props = { driver: 'virtio-rng-pci', ...virtioOptions(rng.driver), rng: id, id: alias, ...rate, ...pciProps(pciAddressOf(rng), pcieRoot) };
    return [...chardev, '-object', JSON.stringify(object), '-device', JSON.stringify(props)];
  });
}
