import { deviceElement, newDevice, type DomainDef } from '@tsvirt/conf';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import { defaultTpmVersion } from '../tpm/swtpm-paths.js';

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

/** The port QEMU connects to when a network disk's host names none (libvirt writes it out). */
const DEFAULT_PORTS: Record<string, string> = {
  nbd: '10809', gluster: '24007', iscsi: '3260', sheepdog: '7000', http: '80', https: '443', ftp: '21', ftps: '990', tftp: '69', ssh: '22', vxhs: '9999',
};

/**
 * Disks: network hosts get their protocol's port, an empty network CD-ROM is an empty file one,
 * vhost-user disks cannot be snapshotted, encryption is QEMU's unless named.
 */
export function diskDefaults(def: DomainDef): void {
  for (const d of devicesOf(def.devices, 'disk')) {
    const next = { ...d };
    const port = DEFAULT_PORTS[d.source?.protocol ?? ''];
    if (d.type === 'network' && d.source?.hosts?.some((h) => h.port === undefined && (h.transport ?? 'tcp') === 'tcp') && port) {
      next.source = { ...d.source, hosts: d.source.hosts.map((h) => (h.port === undefined && (h.transport ?? 'tcp') === 'tcp' ? { ...h, port } : h)) };
    }
    if (d.type === 'network' && !d.source && (d.device === 'cdrom' || d.device === 'floppy')) next.type = 'file';
    if (d.type === 'vhostuser' && d.snapshot === undefined) next.snapshot = 'no';
    if (d.encryptionFormat !== undefined && d.encryptionEngine === undefined) next.encryptionEngine = 'qemu';
    if (next.source?.encryptionFormat !== undefined && next.source.encryptionEngine === undefined) next.source = { ...next.source, encryptionEngine: 'qemu' };
    if (next.source !== d.source || next.type !== d.type || next.snapshot !== d.snapshot || next.encryptionEngine !== d.encryptionEngine) writeBack(def, next);
  }
}

/** Disks without a type are files; vsock devices are virtio, their context id automatic unless given; a watchdog resets the guest unless told otherwise; 9p file and directory modes are written as four octal digits. */
export function modelDefaults(def: DomainDef): void {
  const octal = (m: string | undefined): string | undefined => m?.padStart(4, '0');
  for (const fs of devicesOf(def.devices, 'filesystem')) {
    if (octal(fs.fmode) !== fs.fmode || octal(fs.dmode) !== fs.dmode) writeBack(def, { ...fs, fmode: octal(fs.fmode), dmode: octal(fs.dmode) });
  }
  for (const d of devicesOf(def.devices, 'disk')) if (d.type === undefined) writeBack(def, { ...d, type: 'file' });
  // A vsock's context id is chosen at start unless the definition fixes one.
  for (const v of devicesOf(def.devices, 'vsock')) writeBack(def, { ...v, model: v.model ?? 'virtio', cid: { ...v.cid, auto: v.cid?.auto ?? !v.cid?.address } });
  for (const w of devicesOf(def.devices, 'watchdog')) if (w.action === undefined) writeBack(def, { ...w, action: 'reset' });
}

type Chardev = DeviceOf<'channel'> | DeviceOf<'console'>;
const onVirtioSerial = (c: Chardev): boolean => c.target?.type === 'virtio';
const virtioChardevs = (def: DomainDef): Chardev[] => [...devicesOf(def.devices, 'console'), ...devicesOf(def.devices, 'channel')].filter(onVirtioSerial);

/**
 * virtio channels and consoles: the virtio-serial controller they need (added when missing), and
 * a port on it for each channel (from 1), as libvirt assigns them when a domain is defined; a
 * console gets none (QEMU picks its port at start, libvirt shows none).
 */
export function virtioSerialDefaults(def: DomainDef, newDefinition: boolean): void {
  const controllers = (): Array<DeviceOf<'controller'>> => devicesOf(def.devices, 'controller').filter((c) => c.type === 'virtio-serial');
  for (const u of virtioChardevs(def)) {
    const index = u.address?.type === 'virtio-serial' ? (u.address.controller ?? 0) : 0;
    if (!controllers().some((c) => (c.index ?? 0) === index)) def.devices.push(deviceElement(newDevice('controller', { type: 'virtio-serial', index })));
  }
  assignVirtioSerialPorts(def, 'channel', 1, newDefinition);
}

/** Whether a chardev's address places it: a channel's virtio-serial port 0 names none (libvirt gives it one). */
const placed = (u: Chardev): boolean => u.address !== undefined && !(u.kind === 'channel' && u.address.type === 'virtio-serial' && Number(u.address.port ?? 0) === 0);

/**
 * A free virtio-serial port from `first` for each virtio chardev of `kind` without an address
 * (consoles may take port 0, channels start at 1). In a new definition a console whose address
 * names port 0 holds a port from 1 meanwhile, though its XML keeps 0 (seen on libvirtd 9.0).
 */
export function assignVirtioSerialPorts(def: DomainDef, kind: Chardev['kind'], first = kind === 'console' ? 0 : 1, newDefinition = false): void {
  const users = virtioChardevs(def);
  const controllers = devicesOf(def.devices, 'controller').filter((c) => c.type === 'virtio-serial');
  const used = new Map<number, Set<number>>();
  const taken = (controller: number): Set<number> => used.get(controller) ?? used.set(controller, new Set()).get(controller)!;
  const firstFree = (controller: number, from: number): number => {
    let port = from;
    while (taken(controller).has(port)) port++;
    return port;
  };
  for (const u of users) if (placed(u) && u.address?.type === 'virtio-serial' && u.address.port !== undefined) taken(u.address.controller ?? 0).add(Number(u.address.port));
  for (const u of users) {
    if (newDefinition && u.kind === 'console' && u.address?.type === 'virtio-serial' && Number(u.address.port ?? 0) === 0) {
      const controller = u.address.controller ?? 0;
      taken(controller).add(firstFree(controller, 1));
    }
  }
  for (const u of users) {
    if (placed(u) || u.kind !== kind) continue;
    for (const c of controllers) {
      const idx = c.index ?? 0;
      const ports = c.ports ?? 31;
      const port = firstFree(idx, first);
      if (port >= ports) continue;
      taken(idx).add(port);
      writeBack(def, { ...u, address: { type: 'virtio-serial', controller: idx, bus: 0, port: String(port) } });
      break;
    }
  }
}

/** A UNIX socket chardev without a path gets one when it starts; until then libvirt writes no `<source>`. */
export function unixSourceDefaults(def: DomainDef): void {
  for (const kind of ['serial', 'parallel', 'console', 'channel'] as const) {
    for (const c of devicesOf(def.devices, kind)) {
      const sources = c.sources ?? [];
      if (c.type === 'unix' && sources.length > 0 && sources.every((s) => s.path === undefined && Object.values(s).filter((v) => v !== undefined).length <= 1)) {
        writeBack(def, { ...c, sources: [] });
      }
    }
  }
}

/** An emulated TPM that names no version gets libvirt's default for its model, written out. */
export function tpmDefaults(def: DomainDef): void {
  for (const t of devicesOf(def.devices, 'tpm')) {
    if (t.backend?.type === 'emulator' && t.backend.version === undefined) writeBack(def, { ...t, backend: { ...t.backend, version: defaultTpmVersion(t.model) } });
  }
}
