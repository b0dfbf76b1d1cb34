import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement } from '../xml/xml-node.js';
import type { DomainDef } from './domain-def.js';
import { deviceElement, parseDevice, type DeviceKind, type DomainDevice } from './devices/index.js';

/** The typed device of one kind (`DeviceOf<'disk'>`). */
export type DeviceOf<K extends DeviceKind> = Extract<DomainDevice, { kind: K }>;

/**
 * Every device of a definition, typed, in document order. Each keeps the element it was read from
 * (`xml`), which is how the edit helpers below find it again and how formatting keeps whatever the
 * type does not cover. Children of `<devices>` that are not libvirt devices are left out (they stay
 * in the definition as written).
 */
export function domainDevices(def: DomainDef): DomainDevice[] {
  const out: DomainDevice[] = [];
  for (const el of def.devices) {
    const dev = parseDevice(el);
    if (dev) out.push(dev);
  }
  return out;
}

/** The devices of one kind, typed, in document order. */
export function devicesOf<K extends DeviceKind>(def: DomainDef, kind: K): Array<DeviceOf<K>> {
  const out: Array<DeviceOf<K>> = [];
  for (const el of def.devices) if (el.name === kind) out.push(parseDevice(el) as DeviceOf<K>);
  return out;
}

/** The first device of `kind` that `match` accepts, or undefined. */
export function findDevice<K extends DeviceKind>(def: DomainDef, kind: K, match: (d: DeviceOf<K>) => boolean = () => true): DeviceOf<K> | undefined {
  for (const el of def.devices) {
    if (el.name !== kind) continue;
    const dev = parseDevice(el) as DeviceOf<K>;
    if (match(dev)) return dev;
  }
  return undefined;
}

/** Where a device read from `def` stands in it; INTERNAL_ERROR for a device that is not one of its own. */
function indexOf(def: DomainDef, dev: DomainDevice): number {
  const at = dev.xml ? def.devices.indexOf(dev.xml) : -1;
  if (at < 0) throw new VirError(ErrorCode.INTERNAL_ERROR, `${dev.kind} device is not part of domain '${def.name}'`, ErrorDomain.DOMAIN);
  return at;
}

function withDevices(def: DomainDef, devices: XmlElement[]): DomainDef {
  return { ...def, devices };
}

/**
 * A copy of the definition with `dev` added after the last device of its kind (libvirt keeps each
 * kind together), or at the end when there is none.
 */
export function addDevice(def: DomainDef, dev: DomainDevice): DomainDef {
  const devices = [...def.devices];
  let at = devices.length;
  for (let i = devices.length - 1; i >= 0; i--) {
    if (devices[i]!.name === dev.kind) {
      at = i + 1;
      break;
    }
  }
  devices.splice(at, 0, deviceElement(dev));
  return withDevices(def, devices);
}

/** A copy of the definition without `dev` (a device read from this definition). */
export function removeDevice(def: DomainDef, dev: DomainDevice): DomainDef {
  const devices = [...def.devices];
  devices.splice(indexOf(def, dev), 1);
  return withDevices(def, devices);
}

/**
 * A copy of the definition with `old` (a device read from it) replaced by `dev`, which is written
 * over its own source element (or `old`'s when it has none), so unknown parts are kept.
 */
export function replaceDevice(def: DomainDef, old: DomainDevice, dev: DomainDevice): DomainDef {
  const devices = [...def.devices];
  devices[indexOf(def, old)] = deviceElement(dev.xml || old.kind !== dev.kind ? dev : { ...dev, xml: old.xml } as DomainDevice);
  return withDevices(def, devices);
}

/**
 * A copy of the definition where `dev` (read from it) is changed by `edit`, which receives a copy
 * of the typed device to change in place (`d.driver = { ...d.driver, cache: 'none' }`).
 */
export function editDevice<K extends DeviceKind>(def: DomainDef, dev: DeviceOf<K>, edit: (draft: DeviceOf<K>) => void): DomainDef {
  const draft = { ...dev };
  edit(draft);
  return replaceDevice(def, dev, draft);
}

/** A new typed device of `kind` from its fields, with no source element (the model writes it from scratch). */
export function newDevice<K extends DeviceKind>(kind: K, fields: Omit<DeviceOf<K>, 'kind' | 'xml'>): DeviceOf<K> {
  return { ...fields, kind } as DeviceOf<K>;
}
