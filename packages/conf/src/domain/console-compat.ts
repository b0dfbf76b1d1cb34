import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement } from '../xml/xml-node.js';
import { deviceElement, parseDevice } from './devices/index.js';
import { newDevice, type DeviceOf } from './device-edit.js';

type Chardev = DeviceOf<'serial'> | DeviceOf<'parallel'> | DeviceOf<'console'>;
type Serial = DeviceOf<'serial'>;
type Console = DeviceOf<'console'>;

const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, ErrorDomain.DOMAIN);

/**
 * What an inactive parse keeps of a character device: a pty's path and `tty` are the running
 * guest's, so they go; spicevmc is for virtio only (serial ports and consoles cannot have it).
 */
function asParsed<D extends Chardev>(dev: D): D {
  if (dev.type === 'spicevmc' && dev.kind !== 'parallel' && dev.target?.type !== 'virtio') throw unsupported('spicevmc device type only supports virtio');
  if (dev.type !== 'pty') return dev;
  const sources = dev.sources?.filter((s) => s.path === undefined);
  return { ...dev, tty: undefined, sources: sources?.length ? sources : undefined };
}

/** Serial and parallel ports without a port number take one past the highest before them. */
function numberPorts<D extends Serial | DeviceOf<'parallel'>>(ports: readonly D[]): D[] {
  let highest = -1;
  return mapPacked(ports, (p) => {
    const port = p.target?.port ?? highest + 1;
    highest = Math.max(highest, port);
    return { ...p, target: { ...p.target, port } };
  });
}

/** Consoles: the target type defaults to serial, and the port to the console's place; only the first may be serial. */
function numberConsoles(consoles: readonly Console[]): Console[] {
  return mapPacked(consoles, (c, i) => {
    const type = c.target?.type ?? 'serial';
    if (i > 0 && type === 'serial') throw unsupported('Only the first console can be a serial port');
    return { ...c, target: { ...c.target, type, port: c.target?.port ?? i } };
  });
}

/** The host side of one character device, given to another (a console that mirrors a serial port). */
const hostSide = (from: Chardev): Pick<Chardev, 'type' | 'sources' | 'protocol'> => ({ type: from.type, sources: from.sources, protocol: from.protocol });

/**
 * libvirt's old pairing of an HVM guest's first console with its first serial port: a serial
 * console becomes the serial port when there is none (target port 0) and otherwise mirrors it; a
 * guest with an ISA (or untyped) first serial port and no serial console gets one that mirrors it.
 */
function pairConsole(serials: Serial[], consoles: Console[]): void {
  const first = consoles[0];
  if (first?.target?.type === 'serial') {
    if (serials.length === 0) {
      serials.push(newDevice('serial', { ...hostSide(first), target: { port: 0 } }));
      consoles[0] = { ...first, target: { type: 'serial', port: 0 } };
    } else {
      consoles[0] = { ...first, ...hostSide(serials[0]!), target: { type: 'serial', port: serials[0]!.target?.port } };
    }
    return;
  }
  const serial = serials[0];
  const isa = serial?.target?.type === undefined || serial.target.type === 'isa-serial';
  if (serial && isa) consoles.unshift(newDevice('console', { ...hostSide(serial), target: { type: 'serial', port: serial.target?.port } }));
}

const isChardev = (el: XmlElement): boolean => el.name === 'serial' || el.name === 'parallel' || el.name === 'console';

/**
 * Serial ports, parallel ports and consoles after libvirt's parse and generic post-parse: ports
 * numbered, console targets typed, pty paths forgotten, and (for HVM guests) the first console
 * paired with the first serial port. Each kind keeps the places its elements had; new ones
 * follow the last of their kind.
 */
export function applyConsoleCompat(devices: readonly XmlElement[], hvm: boolean): XmlElement[] {
  if (!devices.some(isChardev)) return [...devices];
  const of = <D extends Chardev>(kind: D['kind']): D[] => mapPacked(devices.filter((el) => el.name === kind), (el) => asParsed(parseDevice(el) as D));
  const serials = numberPorts(of<Serial>('serial'));
  const parallels = numberPorts(of<DeviceOf<'parallel'>>('parallel'));
  const consoles = numberConsoles(of<Console>('console'));
  if (hvm) pairConsole(serials, consoles);
  const queues = new Map<string, Chardev[]>([['serial', serials], ['parallel', parallels], ['console', consoles]]);
  const out = mapPacked(devices, (el) => {
    const queue = queues.get(el.name);
    return queue ? deviceElement(queue.shift()!) : el;
  });
  for (const queue of queues.values()) out.push(...mapPacked(queue, deviceElement));
  return out;
}
