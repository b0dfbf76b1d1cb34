import { parseDevice, replaceDevices, type DeviceKind, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { devicesOf, type DeviceOf } from './typed-devices.js';

/**
 * The kinds whose aliases this module gives (disks, interfaces, host devices and memory modules
 * get theirs where they are resolved: `recordAliases`, `memoryModuleIds`).
 */
const KINDS = [
  'controller', 'filesystem', 'sound', 'redirdev', 'video', 'input', 'parallel', 'serial', 'channel', 'console',
  'hub', 'shmem', 'smartcard', 'watchdog', 'memballoon', 'rng', 'tpm', 'vsock',
] as const satisfies readonly DeviceKind[];
type AliasedKind = (typeof KINDS)[number];
type Aliased = DeviceOf<AliasedKind>;

/** The prefix of each kind's numbered aliases (libvirt's qemu_alias.c). */
const PREFIX: Readonly<Record<Exclude<AliasedKind, 'controller' | 'memballoon' | 'vsock'>, string>> = {
  filesystem: 'fs', sound: 'sound', redirdev: 'redir', video: 'video', input: 'input', parallel: 'parallel', serial: 'serial',
  channel: 'channel', console: 'console', hub: 'hub', shmem: 'shmem', smartcard: 'smartcard', watchdog: 'watchdog', rng: 'rng', tpm: 'tpm',
};

/** The kinds numbered one past the highest number taken, not by their place (qemuAssignDeviceRNGAlias, ...FSAlias). */
const NEXT_FREE = new Set<AliasedKind>(['rng', 'filesystem']);

/** N of an alias `PREFIXN`, or -1. */
function aliasIndex(alias: string | undefined, prefix: string): number {
  if (!alias?.startsWith(prefix)) return -1;
  const rest = alias.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}

/** One past the highest `PREFIXN` among `aliases` (0 when none). */
export function nextAliasIndex(aliases: ReadonlyArray<string | undefined>, prefix: string): number {
  return aliases.reduce((n, a) => Math.max(n, aliasIndex(a, prefix) + 1), 0);
}

const isQ35 = (machine: string | undefined): boolean => /q35/.test(machine ?? '');

/** libvirt's alias of a controller: its type and index, but for the ones QEMU builds in and names itself. */
export function controllerDefaultAlias(c: DeviceOf<'controller'>, machine: string | undefined): string {
  const index = c.index ?? 0;
  switch (c.type) {
    case 'pci': return c.model === 'pcie-root' ? `pcie.${index}` : `pci.${index}`;
    case 'ide': return !isQ35(machine) && index === 0 ? 'ide' : `ide${index}`;
    case 'sata': return isQ35(machine) && index === 0 ? 'ide' : `sata${index}`;
    case 'usb': return index === 0 ? 'usb' : `usb${index}`;
    case 'scsi': return c.model === 'ncr53c90' && index === 0 ? 'scsi' : `scsi${index}`;
    default: return `${c.type ?? ''}${index}`;
  }
}

/**
 * The alias the device at `place` among its kind gets when it has none: numbered by its place, or
 * one past the highest taken for the kinds libvirt numbers so; a console standing for serial port
 * N (libvirt's compatibility copy) shares that port's alias.
 */
function defaultAlias(def: DomainDef, dev: Aliased, place: number, taken: ReadonlyArray<string | undefined>): string | undefined {
  if (dev.kind === 'controller') return controllerDefaultAlias(dev, def.os.machine);
  if (dev.kind === 'memballoon') return dev.model === 'none' ? undefined : 'balloon0';
  if (dev.kind === 'vsock') return 'vsock0';
  if (dev.kind === 'console' && (dev.target?.type ?? 'serial') === 'serial') return devicesOf(def.devices, 'serial')[place]?.alias ?? `serial${place}`;
  const prefix = PREFIX[dev.kind];
  return NEXT_FREE.has(dev.kind) ? `${prefix}${nextAliasIndex(taken, prefix)}` : `${prefix}${place}`;
}

/**
 * The definition with every device of the kinds above holding libvirt's alias (its QEMU id), as
 * libvirt's QEMU driver gives them before a start (qemuAssignDeviceAliases): an alias a device has
 * (a user alias, `ua-…`, or one a running domain's definition records) is kept.
 */
export function withDeviceAliases(def: DomainDef): DomainDef {
  const edits: Array<readonly [DomainDevice, DomainDevice]> = [];
  let out = def;
  for (const kind of KINDS) {
    const devs = devicesOf(out.devices, kind) as Aliased[];
    const taken = devs.map((d) => d.alias);
    devs.forEach((dev, place) => {
      if (dev.alias !== undefined) return;
      const alias = defaultAlias(out, dev, place, taken);
      if (alias === undefined) return;
      taken[place] = alias;
      edits.push([dev, { ...dev, alias }]);
    });
    // Serial ports are named before consoles look their aliases up.
    if (kind === 'serial' && edits.length > 0) {
      out = replaceDevices(out, edits.splice(0));
    }
  }
  return replaceDevices(out, edits);
}

/**
 * The alias libvirt gives a device plugged live into the running `def`: a user alias kept, a
 * controller's its type and index, the single watchdog's and vsock's their fixed one, the others
 * one past the highest number their kind's prefix has taken (a console: or its place, if higher).
 */
export function liveAlias(def: DomainDef, dev: DomainDevice): string {
  const alias = (dev as { alias?: string }).alias;
  if (alias?.startsWith('ua-')) return alias;
  if (dev.kind === 'controller') return controllerDefaultAlias(dev, def.os.machine);
  if (dev.kind === 'vsock') return 'vsock0';
  const prefix = (PREFIX as Readonly<Record<string, string>>)[dev.kind] ?? dev.kind;
  if (dev.kind === 'watchdog') return `${prefix}0`;
  const taken = def.devices.filter((x) => x.name === dev.kind).map((x) => (parseDevice(x) as { alias?: string }).alias);
  // A console is numbered no lower than its place either (seen on libvirtd: the first beside a serial port's copy, `serial0`, is console1).
  const place = dev.kind === 'console' ? taken.length : 0;
  return `${prefix}${Math.max(place, nextAliasIndex(taken, prefix))}`;
}

/** An alias an interface keeps: a user one, or the `netN` a running domain's recorded. */
const keptNicAlias = (alias: string | undefined): alias is string => alias !== undefined && (alias.startsWith('ua-') || /^net\d+$/.test(alias));

/**
 * The aliases of a definition's interfaces (their QEMU device ids) as libvirt gives them
 * (qemuAssignDeviceNetAlias): a user alias (`ua-…`) or a recorded `netN` kept, each other one
 * past the highest `netN` taken so far, in order.
 */
export function nicAliases(nics: ReadonlyArray<{ readonly alias?: string | undefined }>): string[] {
  const out: string[] = [];
  for (const nic of nics) out.push(keptNicAlias(nic.alias) ? nic.alias : `net${nextAliasIndex([...out, ...nics.map((n) => n.alias)], 'net')}`);
  return out;
}

/** An interface's QEMU ids: the device's its alias, the netdev's `host` + that (libvirt's). */
export const nicIds = (alias: string): { device: string; netdev: string } => ({ device: alias, netdev: `host${alias}` });

/** The alias of a device of a definition that went through withDeviceAliases. */
export function aliasOf(dev: { readonly kind: string; readonly alias?: string | undefined }): string {
  if (dev.alias === undefined) throw new TypeError(`a <${dev.kind}> without its alias reached the command line`);
  return dev.alias;
}

/** The alias of the controller of `type` with `index` (the default name when the definition has none such). */
export function controllerAlias(devices: readonly XmlElement[], type: string, index: number, machine?: string): string {
  const c = devicesOf(devices, 'controller').find((x) => x.type === type && (x.index ?? 0) === index);
  return c?.alias ?? controllerDefaultAlias(c ?? { kind: 'controller', type: type as DeviceOf<'controller'>['type'], index }, machine);
}
