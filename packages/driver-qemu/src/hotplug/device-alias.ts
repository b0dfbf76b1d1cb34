import { parseDevice, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';

/** A device named by its alias (virDomainDetachDeviceAlias). */
export interface DeviceByAlias {
  readonly alias: string;
}

/** The kinds this driver can detach live, the ones a live alias is looked for among. */
const LIVE_DETACHABLE = ['disk', 'hostdev', 'interface', 'memory'] as const;

const notFound = (alias: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, `no device found with alias ${alias}`, ErrorDomain.QEMU);

/** The element of the device with `alias` among the live-detachable kinds of `def`; libvirtd 9.0 answers none with an internal error. */
export function deviceByAlias(def: DomainDef, alias: string): XmlElement {
  for (const kind of LIVE_DETACHABLE) {
    const found = devicesOf(def.devices, kind).find((d) => d.alias === alias);
    if (found?.xml) return found.xml;
  }
  throw notFound(alias);
}

/** The element of any device with `alias` in a persistent definition (user aliases, `ua-…`, are kept there). */
export function anyDeviceByAlias(def: DomainDef, alias: string): XmlElement {
  const found = def.devices.find((el) => el.name !== 'emulator' && (parseDevice(el) as { alias?: string }).alias === alias);
  if (!found) throw notFound(alias);
  return found;
}
