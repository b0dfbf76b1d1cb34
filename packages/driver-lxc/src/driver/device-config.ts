import { addDevice, devicesOf, findDevice, removeDevice, type DomainDef, type DomainDevice } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { findNic, sameHostdev } from '../conf/device-match.js';

const D = ErrorDomain.LXC;
const invalid = (msg: string) => new VirError(ErrorCode.INVALID_ARG, msg, D);

/** libvirt's lxcDomainAttachDeviceConfig: disks, interfaces and hostdevs go into the persistent definition. */
export function attachToConfig(def: DomainDef, dev: DomainDevice): DomainDef {
  switch (dev.kind) {
    case 'disk':
      if (findDevice(def, 'disk', (d) => d.target?.dev === dev.target?.dev)) throw invalid(`target ${dev.target?.dev} already exists.`);
      return addDevice(def, dev);
    case 'interface':
      return addDevice(def, dev);
    case 'hostdev':
      if (findDevice(def, 'hostdev', (h) => sameHostdev(h, dev))) throw invalid('device is already in the domain configuration');
      return addDevice(def, dev);
    default:
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'persistent attach of device is not supported', D);
  }
}

/** libvirt's lxcDomainDetachDeviceConfig. */
export function detachFromConfig(def: DomainDef, dev: DomainDevice): DomainDef {
  switch (dev.kind) {
    case 'disk': {
      const disk = findDevice(def, 'disk', (d) => d.target?.dev === dev.target?.dev);
      if (!disk) throw invalid(`no target device ${dev.target?.dev}`);
      return removeDevice(def, disk);
    }
    case 'interface':
      return removeDevice(def, findNic(def, dev));
    case 'hostdev': {
      const found = devicesOf(def, 'hostdev').find((h) => sameHostdev(h, dev));
      if (!found) throw invalid('device not present in domain configuration');
      return removeDevice(def, found);
    }
    default:
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'persistent detach of device is not supported', D);
  }
}
