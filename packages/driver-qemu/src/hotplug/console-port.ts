import { deviceElement, parseDevice, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';
import { currentDef, type StoredDomain } from '../state/qemu-store.js';

/**
 * The console `el` asks for, with the port libvirt's device parse gives one that names none: past
 * the highest of the domain's consoles (the live ones too while it runs) and of `numbered`, the
 * definition's consoles numbered afresh, so it never matches a console a config detach looks for.
 */
export function withConsolePort(d: StoredDomain, numbered: DomainDef, el: XmlElement): XmlElement {
  const dev = parseDevice(el) as DomainDevice | undefined;
  if (dev?.kind !== 'console' || dev.target?.port !== undefined) return el;
  const ports = [currentDef(d), numbered].flatMap((def) => devicesOf(def.devices, 'console').map((c) => c.target?.port ?? -1));
  const port = Math.max(-1, ...ports) + 1;
  return deviceElement({ ...dev, target: { ...dev.target, port } });
}
