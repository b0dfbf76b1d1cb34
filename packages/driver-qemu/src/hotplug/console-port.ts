import { deviceElement, parseDevice, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { devicesOf, type DeviceOf } from '../devices/typed-devices.js';

/** The target type a console's XML means when it names none. */
const targetType = (c: { readonly target?: { readonly type?: string } }): string => c.target?.type ?? 'serial';

/**
 * The port libvirt's device parse gives a console that names none: past the highest of `context`'s
 * consoles of its target type (so 0 for the first virtio console beside a serial port's copy).
 */
function parsedPort(context: DomainDef, dev: DeviceOf<'console'>): number {
  const ports = devicesOf(context.devices, 'console').filter((c) => targetType(c) === targetType(dev)).map((c) => c.target?.port ?? -1);
  return Math.max(-1, ...ports) + 1;
}

/** `el` with `port` as its target port when it is a console that names none. */
function portless(el: XmlElement, port: (dev: DeviceOf<'console'>) => number): XmlElement {
  const dev = parseDevice(el) as DomainDevice | undefined;
  if (dev?.kind !== 'console' || dev.target?.port !== undefined) return el;
  return deviceElement({ ...dev, target: { ...dev.target, port: port(dev) } });
}

/**
 * The console a detach asks for, parsed as libvirt parses it against the domain as it stands (the
 * live definition while it runs): a config detach finds one that names no port only when the live
 * domain has fewer consoles than the definition, numbered afresh, has.
 */
export const consoleToFind = (context: DomainDef, el: XmlElement): XmlElement => portless(el, (dev) => parsedPort(context, dev));

/** The console a config attach adds to `numbered` (its copy of the definition, consoles numbered afresh): one that names no port goes last. */
export const consoleToAdd = (numbered: DomainDef, el: XmlElement): XmlElement => portless(el, () => devicesOf(numbered.devices, 'console').length);

/** The port libvirt's parse against the live `context` gives a console plugged live, undefined for another device. */
export function plugConsolePort(context: DomainDef, el: XmlElement): number | undefined {
  const dev = parseDevice(el) as DomainDevice | undefined;
  return dev?.kind === 'console' ? (dev.target?.port ?? parsedPort(context, dev)) : undefined;
}
