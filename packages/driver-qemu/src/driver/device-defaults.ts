import { deviceElement, newDevice, type DomainDef } from '@tsvirt/conf';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';

type VideoModel = NonNullable<DeviceOf<'video'>['model']>;

/** libvirt's video memory defaults (KiB) per card model; every card shows one head. */
const VIDEO_MEMORY: Record<string, Partial<VideoModel>> = {
  vga: { vram: 16384 }, cirrus: { vram: 16384 }, vmvga: { vram: 16384 }, bochs: { vram: 16384 },
  qxl: { ram: 65536, vram: 65536, vgamem: 16384 },
};

/**
 * Video cards: a display without a card gets libvirt's default one (cirrus); each card gets its
 * model's memory sizes and one head, and the first is marked primary.
 */
export function videoDefaults(def: DomainDef): void {
  if (devicesOf(def.devices, 'video').length === 0 && devicesOf(def.devices, 'graphics').some((g) => g.type !== 'egl-headless')) {
    def.devices.push(deviceElement(newDevice('video', { model: { type: 'cirrus' } })));
  }
  devicesOf(def.devices, 'video').forEach((v, i) => {
    const model = v.model ?? { type: 'cirrus' as const };
    const type = model.type ?? 'cirrus';
    if (type === 'none') return;
    const sizes = VIDEO_MEMORY[type] ?? {};
    const filled: VideoModel = { ...model, type };
    for (const [k, val] of Object.entries(sizes) as Array<[keyof VideoModel, number]>) if (filled[k] === undefined) (filled as Record<string, unknown>)[k] = val;
    if (filled.heads === undefined) filled.heads = 1;
    if (i === 0 && filled.primary === undefined) filled.primary = true;
    writeBack(def, { ...v, model: filled });
  });
}

/**
 * Displays: a `listen` attribute also becomes its `<listen>` element; SPICE with no port and no
 * address listens nowhere. A SPICE display carries the guest's sound when no backend is named.
 */
export function graphicsDefaults(def: DomainDef): void {
  for (const g of devicesOf(def.devices, 'graphics')) {
    if ((g.listens?.length ?? 0) > 0) continue;
    if (g.listenAddress !== undefined) writeBack(def, { ...g, listens: [{ type: 'address', address: g.listenAddress }] });
    else if (g.type === 'spice' && g.port === undefined && g.tlsPort === undefined && g.autoport !== 'yes' && g.socket === undefined) writeBack(def, { ...g, listens: [{ type: 'none' }] });
  }
}

/** The audio backend libvirt adds when none is named: SPICE's own with a SPICE display, else one that plays nothing. */
export function defaultAudioType(def: DomainDef): 'spice' | 'none' {
  return devicesOf(def.devices, 'graphics')[0]?.type === 'spice' ? 'spice' : 'none';
}

/** Disks without a type are files; vsock devices are virtio; 9p file and directory modes are written as four octal digits. */
export function modelDefaults(def: DomainDef): void {
  const octal = (m: string | undefined): string | undefined => m?.padStart(4, '0');
  for (const fs of devicesOf(def.devices, 'filesystem')) {
    if (octal(fs.fmode) !== fs.fmode || octal(fs.dmode) !== fs.dmode) writeBack(def, { ...fs, fmode: octal(fs.fmode), dmode: octal(fs.dmode) });
  }
  for (const d of devicesOf(def.devices, 'disk')) if (d.type === undefined) writeBack(def, { ...d, type: 'file' });
  for (const v of devicesOf(def.devices, 'vsock')) if (v.model === undefined) writeBack(def, { ...v, model: 'virtio' });
}
