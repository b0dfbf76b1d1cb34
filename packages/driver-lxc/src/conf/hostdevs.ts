import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DomainDevice } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import { setupFailure } from './setup-failure.js';

type Hostdev = Extract<DomainDevice, { kind: 'hostdev' }>;
type IpRoute = { readonly address: string; readonly prefix: number | undefined; readonly gateway: string };
type IpAddress = { readonly address: string; readonly prefix: number | undefined; readonly peer: string | undefined };

/** One `<hostdev>` of a container, as read from its definition. */
export type HostdevSpec =
  /** mode='capabilities' type='storage' (a block device) or 'misc' (a character device): the host's node. */
  | { readonly kind: 'storage' | 'misc'; readonly path: string }
  /** mode='capabilities' type='net': a host interface moved into the container, keeping its name. */
  | { readonly kind: 'net'; readonly name: string; readonly ips: readonly IpAddress[]; readonly routes: readonly IpRoute[] }
  /** mode='subsystem' type='usb': a USB device by vendor/product and/or bus/device. */
  | { readonly kind: 'usb'; readonly vendor?: number | undefined; readonly product?: number | undefined; readonly bus?: number | undefined; readonly device?: number | undefined };

/** A device node the container gets: the host's node and where it goes in the container. */
export interface DevNode {
  readonly host: string;
  readonly path: string;
}

const D = ErrorDomain.LXC;
const unsupported = (msg: string) => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, D);

/** Reads one `<hostdev>`; what libvirt's LXC driver cannot give a container is refused in its words. */
export function hostdevSpec(h: Hostdev): HostdevSpec {
  const src = h.source;
  if (h.mode === 'capabilities') {
    if (h.type === 'storage') return { kind: 'storage', path: src?.block ?? '' };
    if (h.type === 'misc') return { kind: 'misc', path: src?.char ?? '' };
    if (h.type === 'net') {
      return {
        kind: 'net', name: src?.interface ?? '',
        ips: (h.ips ?? []).map((ip) => ({ address: ip.address ?? '', prefix: ip.prefix, peer: ip.peer })),
        routes: (h.routes ?? []).map((r) => ({ address: r.address ?? '', prefix: r.prefix, gateway: r.gateway ?? '' })),
      };
    }
    throw unsupported(`Unsupported host device type ${h.type}`);
  }
  if (h.type === 'usb') return { kind: 'usb', vendor: src?.vendor, product: src?.product, bus: src?.address?.bus, device: src?.address?.device };
  // libvirt's words at start (a live attach says "host device" instead).
  throw unsupported(`Unsupported hostdev type ${h.type}`);
}

export function hostdevSpecs(devices: readonly DomainDevice[]): HostdevSpec[] {
  return devices.filter((d): d is Hostdev => d.kind === 'hostdev').map(hostdevSpec);
}

/** The node of a `<disk>` in the container: its block device as `/dev/TARGET` (libvirt's lxcContainerSetupDisk). */
export function diskNode(disk: Extract<DomainDevice, { kind: 'disk' }>, refuse: (msg: string) => VirError = (m) => setupFailure(`unsupported configuration: ${m}`)): DevNode {
  if (disk.type !== 'block') throw refuse("Can't setup disk for non-block device");
  return { host: disk.source?.dev ?? '', path: `/dev/${disk.target?.dev ?? ''}` };
}

/** Where USB devices are looked up: sysfs and /dev/bus/usb (tests point both at a fake tree). */
export function usbRoots(): { sysfs: string; devfs: string } {
  return { sysfs: process.env['TSVIRT_USB_SYSFS'] ?? '/sys/bus/usb/devices', devfs: process.env['TSVIRT_USB_DEVFS'] ?? '/dev/bus/usb' };
}

const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');

/** Finds a USB device as libvirt's virHostdevFindUSBDevice does: by vendor/product, bus/device, or both. */
export async function findUsb(u: Extract<HostdevSpec, { kind: 'usb' }>): Promise<DevNode> {
  const { sysfs, devfs } = usbRoots();
  const names = await readdir(sysfs).catch((e: NodeJS.ErrnoException) => {
    throw systemError(`cannot open directory '${sysfs}'`, e, D);
  });
  const read = (dir: string, f: string) => readFile(join(sysfs, dir, f), 'utf8').then((t) => t.trim(), () => '');
  const found: Array<{ bus: number; device: number }> = [];
  for (const name of names.filter((n) => !n.includes(':'))) {
    const [vendor, product, bus, device] = await Promise.all(['idVendor', 'idProduct', 'busnum', 'devnum'].map((f) => read(name, f)));
    const dev = { bus: Number(bus), device: Number(device) };
    if (u.vendor !== undefined && (parseInt(vendor ?? '', 16) !== u.vendor || parseInt(product ?? '', 16) !== u.product)) continue;
    if (u.bus !== undefined && (dev.bus !== u.bus || dev.device !== u.device)) continue;
    found.push(dev);
  }
  const fail = (msg: string) => new VirError(ErrorCode.INTERNAL_ERROR, msg, D);
  if (found.length === 0) {
    if (u.vendor !== undefined && u.bus !== undefined) throw fail(`Did not find matching USB device: vid:${hex4(u.vendor)}, pid:${hex4(u.product)}, bus:${u.bus}, device:${u.device}`);
    if (u.vendor !== undefined) throw fail(`Did not find USB device ${hex4(u.vendor)}:${hex4(u.product)}`);
    throw fail(`Did not find USB device bus:${u.bus} device:${u.device}`);
  }
  if (found.length > 1) throw fail(`Multiple USB devices for ${(u.vendor ?? 0).toString(16)}:${(u.product ?? 0).toString(16)}, use <address> to specify one`);
  const rel = `${String(found[0]!.bus).padStart(3, '0')}/${String(found[0]!.device).padStart(3, '0')}`;
  return { host: join(devfs, rel), path: `/dev/bus/usb/${rel}` };
}

/** The node of a storage or misc hostdev, checked as libvirt_lxc checks it (`words` wraps the message). */
async function capsNode(h: Extract<HostdevSpec, { kind: 'storage' | 'misc' }>, words: (msg: string) => VirError): Promise<DevNode> {
  const st = await stat(h.path).catch((e: NodeJS.ErrnoException) => {
    throw words(systemError(`Unable to access ${h.path}`, e, D).message);
  });
  if (h.kind === 'storage' && !st.isBlockDevice()) throw words(`unsupported configuration: Storage source ${h.path} must be a block device`);
  if (h.kind === 'misc' && !st.isCharacterDevice()) throw words(`unsupported configuration: Storage source ${h.path} must be a character device`);
  return { host: h.path, path: h.path };
}

/**
 * The device nodes the hostdevs give the container, every one checked: USB devices found in
 * sysfs first (as libvirt does before the controller runs), then the storage and misc nodes
 * (libvirt_lxc's checks, worded as its set-up failures unless `words` says otherwise).
 */
export async function hostdevNodes(specs: readonly HostdevSpec[], words: (msg: string) => VirError = setupFailure): Promise<DevNode[]> {
  const usb = await Promise.all(specs.filter((h) => h.kind === 'usb').map(findUsb));
  const caps = [];
  for (const h of specs) if (h.kind === 'storage' || h.kind === 'misc') caps.push(await capsNode(h, words));
  return [...usb, ...caps];
}

/** Every device node a container gets at start: its `<hostdev>`s' and its `<disk>`s' (libvirt's lxcContainerSetupAllHostdevs and SetupAllDisks). */
export async function containerDevNodes(hostdevs: readonly HostdevSpec[], disks: ReadonlyArray<Extract<DomainDevice, { kind: 'disk' }>>): Promise<DevNode[]> {
  return [...await hostdevNodes(hostdevs), ...disks.map((d) => diskNode(d))];
}
