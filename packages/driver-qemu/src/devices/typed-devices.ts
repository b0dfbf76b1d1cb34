import { deviceElement, parseDevice, type DeviceKind, type DomainDevice, type XmlElement } from '@tsvirt/conf';

/** conf's typed device of one kind. */
export type DeviceOf<K extends DeviceKind> = Extract<DomainDevice, { kind: K }>;

/** conf's typed view of one device element of a known kind. */
export function typedDevice<K extends DeviceKind>(el: XmlElement, kind: K): DeviceOf<K> {
  if (el.name !== kind) throw new TypeError(`expected a <${kind}> element, got <${el.name}>`);
  return parseDevice(el) as DeviceOf<K>;
}

/** The typed devices of one kind among a definition's devices, in order. */
export function devicesOf<K extends DeviceKind>(devices: readonly XmlElement[], kind: K): Array<DeviceOf<K>> {
  return devices.filter((d) => d.name === kind).map((d) => parseDevice(d) as DeviceOf<K>);
}

/** Writes a changed typed device back in place of the element it was read from (conf formats it over that element). */
export function updateDevice(devices: XmlElement[], dev: DomainDevice): void {
  const at = dev.xml ? devices.indexOf(dev.xml) : -1;
  const el = deviceElement(dev);
  if (at >= 0) devices[at] = el;
  else devices.push(el);
  dev.xml = el;
}
