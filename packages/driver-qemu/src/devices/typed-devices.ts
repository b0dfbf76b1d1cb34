import { parseDevice, replaceDevice, type DeviceKind, type DeviceOf, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';

export type { DeviceOf } from '@tsvirt/conf';

/** conf's typed view of one device element of a known kind. */
export function typedDevice<K extends DeviceKind>(el: XmlElement, kind: K): DeviceOf<K> {
  if (el.name !== kind) throw new TypeError(`expected a <${kind}> element, got <${el.name}>`);
  return parseDevice(el) as DeviceOf<K>;
}

/** The typed devices of one kind in a list of device elements (a definition's, or one being built). */
export function devicesOf<K extends DeviceKind>(devices: readonly XmlElement[], kind: K): Array<DeviceOf<K>> {
  return devices.filter((d) => d.name === kind).map((d) => parseDevice(d) as DeviceOf<K>);
}

/** Writes a changed typed device, read from `def`, back into it in place (conf's replaceDevice over its own element). */
export function writeBack(def: DomainDef, dev: DomainDevice): void {
  def.devices = replaceDevice(def, dev, dev).devices;
}
