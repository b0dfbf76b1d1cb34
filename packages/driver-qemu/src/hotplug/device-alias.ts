import type { DomainDef, XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';

/** A device named by its alias (virDomainDetachDeviceAlias). */
export interface DeviceByAlias {
  readonly alias: string;
}

/** The kinds this driver can detach, the ones an alias is looked for among. */
const DETACHABLE = ['disk', 'hostdev', 'interface', 'memory'] as const;

/** The element of the device with `alias` in `def`; libvirtd 9.0 answers none with an internal error. */
export function deviceByAlias(def: DomainDef, alias: string): XmlElement {
  for (const kind of DETACHABLE) {
    const found = devicesOf(def.devices, kind).find((d) => d.alias === alias);
    if (found?.xml) return found.xml;
  }
  throw new VirError(ErrorCode.INTERNAL_ERROR, `no device found with alias ${alias}`, ErrorDomain.QEMU);
}
