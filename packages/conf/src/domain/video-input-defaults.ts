import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, element, firstChild, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';

/** What the video and input defaults depend on: the domain's type, OS type, architecture and machine. */
export interface GuestKind {
  virtType: string;
  osType: string;
  arch?: string;
  machine?: string;
}

const internal = (detail: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, detail, ErrorDomain.DOMAIN);
const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, ErrorDomain.DOMAIN);

const isX86 = (arch: string | undefined): boolean => arch === undefined || arch === 'i686' || arch === 'x86_64';
const isPPC64 = (arch: string | undefined): boolean => arch === 'ppc64' || arch === 'ppc64le';
const isS390 = (arch: string | undefined): boolean => arch === 's390' || arch === 's390x';
/** Xen's paravirtual guests: `linux` is the old name of `xen`. */
const isXenPV = (g: GuestKind): boolean => g.osType === 'xen' || g.osType === 'linux' || g.osType === 'xenpvh';
const POINTERS = new Set(['mouse', 'keyboard']);

/** The bus an input device without one is on: PS/2 for x86 pointers and keyboards, Xen's own for PV guests. */
function defaultInputBus(g: GuestKind, type: string): string {
  if (g.osType === 'hvm') {
    if (POINTERS.has(type) && isX86(g.arch)) return 'ps2';
    if (isS390(g.arch) || type === 'passthrough') return 'virtio';
    return type === 'evdev' ? 'none' : 'usb';
  }
  if (isXenPV(g)) return 'xen';
  return g.virtType === 'vz' || g.virtType === 'parallels' ? 'parallels' : 'none';
}

/** Input devices: the bus libvirt picks when none is named, and the buses it refuses for the guest. */
function inputDefaults(g: GuestKind, inputs: XmlElement[]): void {
  for (const input of inputs) {
    if (g.osType === 'linux') throw internal('Input devices are not supported by this virtualization driver.');
    const type = attr(input, 'type') ?? '';
    const bus = attr(input, 'bus') ?? defaultInputBus(g, type);
    if (g.osType === 'hvm') {
      if (bus === 'ps2' && !POINTERS.has(type)) throw internal(`ps2 bus does not support ${type} input device`);
      if (bus === 'xen') throw internal('unsupported input bus xen');
    } else if (isXenPV(g)) {
      if (bus !== 'xen') throw internal(`unsupported input bus ${bus}`);
      if (!POINTERS.has(type)) throw internal(`xen bus does not support ${type} input device`);
    }
    // `none` is libvirt's "no bus", which it does not write out.
    setAttr(input, 'bus', bus === 'none' ? undefined : bus);
  }
  for (const input of inputs) {
    const type = attr(input, 'type');
    if (type === 'evdev' && attr(input, 'bus') !== undefined) throw unsupported("input evdev doesn't support bus element");
    if (type === 'passthrough' && attr(input, 'bus') !== 'virtio') throw unsupported("only bus 'virtio' is supported for 'passthrough' input devices");
  }
}

/** The card a `<video>` without a model is: the hypervisor's usual one for the guest's architecture and machine. */
function defaultVideoType(g: GuestKind): string {
  if (g.virtType === 'vbox') return 'vbox';
  if (g.virtType === 'vz' || g.virtType === 'parallels') return g.osType === 'hvm' ? 'vga' : 'parallels';
  if (g.virtType === 'bhyve') return 'gop';
  if (isXenPV(g)) return 'xen';
  if (isPPC64(g.arch)) return 'vga';
  if ((g.virtType === 'qemu' || g.virtType === 'kvm') && (isS390(g.arch) || (g.machine ?? '').startsWith('virt'))) return 'virtio';
  return 'cirrus';
}

/** Video memory (KiB) libvirt gives a card that names none. */
const DEFAULT_VRAM: ReadonlyMap<string, number> = new Map([
  ['vga', 16384], ['cirrus', 16384], ['vmvga', 16384], ['bochs', 16384], ['xen', 4096], ['qxl', 65536],
]);
const QXL_RAM = 65536;

/** A video size in KiB as libvirt reads it, rounded up to a power of two; 0 or absent takes the default. */
function videoSize(model: XmlElement, name: string, dflt: number | undefined): void {
  const raw = attr(model, name);
  if (raw !== undefined && !/^\d+$/.test(raw)) throw new VirError(ErrorCode.XML_ERROR, `cannot parse video ${name} '${raw}'`, ErrorDomain.DOMAIN);
  const n = raw === undefined ? 0 : Number(raw);
  const size = n === 0 ? dflt : 2 ** Math.ceil(Math.log2(n));
  setAttr(model, name, size === undefined ? undefined : String(size));
}

/**
 * Video cards: a display without a card gets one; each card gets its model's memory (rounded to
 * powers of two) and one head; the primary card goes first (the first card unless one says so),
 * and a `none` card must be alone.
 */
function videoDefaults(g: GuestKind, devices: XmlElement): void {
  let videos = childElements(devices, 'video');
  if (videos.length === 0 && childElements(devices, 'graphics').length > 0) {
    const implicit = element('video', [], [element('model', [['type', defaultVideoType(g)]])]);
    const after = devices.children.findLastIndex((c) => c.kind === 'element' && (c.name === 'graphics' || c.name === 'sound' || c.name === 'audio'));
    devices.children.splice(after + 1, 0, implicit);
    videos = [implicit];
  }
  for (const v of videos) {
    let model = firstChild(v, 'model');
    if (!model) v.children.unshift((model = element('model', [])));
    if (attr(model, 'type') === undefined) setAttr(model, 'type', defaultVideoType(g));
    const type = attr(model, 'type')!;
    if (type === 'none') continue;
    videoSize(model, 'ram', type === 'qxl' ? QXL_RAM : undefined);
    videoSize(model, 'vram', DEFAULT_VRAM.get(type));
    const heads = attr(model, 'heads');
    if (heads === undefined) setAttr(model, 'heads', '1');
    else if (/^0+$/.test(heads)) setAttr(model, 'heads', undefined);
  }
  const models = mapPacked(videos, (v) => firstChild(v, 'model')!);
  if (models.length > 1 && models.some((m) => attr(m, 'type') === 'none')) {
    throw unsupported("a 'none' video type must be the only video device defined for the domain");
  }
  const primaries = models.filter((m) => attr(m, 'primary') === 'yes');
  if (primaries.length > 1) throw unsupported('Only one primary video device is supported');
  const primary = primaries.length === 1 ? videos[models.indexOf(primaries[0]!)]! : videos[0];
  if (!primary) return;
  const primaryModel = firstChild(primary, 'model')!;
  if (attr(primaryModel, 'type') !== 'none') setAttr(primaryModel, 'primary', 'yes');
  if (primary !== videos[0]) {
    devices.children.splice(devices.children.indexOf(primary), 1);
    devices.children.splice(devices.children.indexOf(videos[0]!), 0, primary);
  }
}

/** libvirt's generic video and input defaults and checks for a guest, applied to `<devices>` in place. */
export function applyVideoInputDefaults(g: GuestKind, devices: XmlElement): void {
  inputDefaults(g, childElements(devices, 'input'));
  videoDefaults(g, devices);
}
