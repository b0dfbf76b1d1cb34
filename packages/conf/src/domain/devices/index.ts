import type { XmlElement } from '../../xml/xml-node.js';
import { body, model, type Model, type Shape, type Typed } from '../../model/binding.js';
import { DISK } from './disk.js';
import { CONTROLLER } from './controller.js';
import { INTERFACE } from './interface.js';
import { FILESYSTEM } from './filesystem.js';
import { GRAPHICS } from './graphics.js';
import { VIDEO } from './video.js';
import { AUDIO, SOUND } from './sound.js';
import { CHANNEL, CONSOLE, PARALLEL, SERIAL } from './chardev.js';
import { INPUT } from './input.js';
import { HOSTDEV } from './hostdev.js';
import { RNG } from './rng.js';
import { MEMBALLOON } from './memballoon.js';
import { WATCHDOG } from './watchdog.js';
import { TPM } from './tpm.js';
import { SMARTCARD } from './smartcard.js';
import { REDIRDEV } from './redirdev.js';
import { PANIC } from './panic.js';
import { MEMORY_DEVICE } from './memory-device.js';
import { IOMMU } from './iommu.js';
import { VSOCK } from './vsock.js';
import { HUB } from './hub.js';
import { SHMEM } from './shmem.js';
import { LEASE } from './lease.js';
import { NVRAM_DEVICE } from './nvram.js';
import { CRYPTO } from './crypto.js';
import { REDIRFILTER } from './redirfilter.js';

/** `<emulator>`: the path of the hypervisor binary. */
const EMULATOR = model('emulator', () => ({ path: body() }));

/** The typed models of the children of `<devices>`, by element name. */
export const DEVICE_MODELS = {
  emulator: EMULATOR, disk: DISK, controller: CONTROLLER, interface: INTERFACE, filesystem: FILESYSTEM,
  graphics: GRAPHICS, video: VIDEO, audio: AUDIO, sound: SOUND, serial: SERIAL, parallel: PARALLEL,
  console: CONSOLE, channel: CHANNEL, input: INPUT, hostdev: HOSTDEV, rng: RNG, memballoon: MEMBALLOON,
  watchdog: WATCHDOG, tpm: TPM, smartcard: SMARTCARD, redirdev: REDIRDEV, panic: PANIC, memory: MEMORY_DEVICE,
  iommu: IOMMU, vsock: VSOCK, hub: HUB, shmem: SHMEM, lease: LEASE, nvram: NVRAM_DEVICE, crypto: CRYPTO,
  redirfilter: REDIRFILTER,
} as const;

export type DeviceKind = keyof typeof DEVICE_MODELS;
type ShapeOf<M> = M extends Model<infer S> ? S : never;

/** A typed device: `kind` is its element name; `xml` keeps what the type does not cover. */
export type DomainDevice = { [K in DeviceKind]: { kind: K } & Typed<ShapeOf<(typeof DEVICE_MODELS)[K]>> }[DeviceKind];

const isKind = (name: string): name is DeviceKind => Object.hasOwn(DEVICE_MODELS, name);

/**
 * The typed view of one child of `<devices>`, raising libvirt's error for a bad value; undefined
 * for device kinds without a typed model (they stay in the element tree as written).
 */
export function parseDevice(el: XmlElement): DomainDevice | undefined {
  if (!isKind(el.name)) return undefined;
  return { kind: el.name, ...(DEVICE_MODELS[el.name] as Model<Shape>).parse(el) } as DomainDevice;
}

/** The element of a typed device, built over the element it was read from. */
export function deviceElement(dev: DomainDevice): XmlElement {
  const { kind, ...fields } = dev;
  return (DEVICE_MODELS[kind] as Model<Shape>).format(fields as Typed<Shape>);
}
