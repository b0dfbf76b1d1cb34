import type { DeviceOf, DomainDef } from '@tsvirt/conf';
import { devicesOf } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

type Hostdev = DeviceOf<'hostdev'>;
type Nic = DeviceOf<'interface'>;

/** Whether two `<hostdev>`s name the same host device (libvirt's virDomainHostdevMatch for LXC's kinds). */
export function sameHostdev(a: Hostdev, b: Hostdev): boolean {
  if (a.mode !== b.mode || a.type !== b.type) return false;
  const x = a.source;
  const y = b.source;
  if (a.mode === 'capabilities') return x?.block === y?.block && x?.char === y?.char && x?.interface === y?.interface;
  if (a.type === 'usb') {
    const byId = x?.vendor !== undefined && x.vendor === y?.vendor && x.product === y?.product;
    const byAddr = x?.address?.bus !== undefined && x.address.bus === y?.address?.bus && x.address.device === y?.address?.device;
    return byId || byAddr;
  }
  return JSON.stringify(x?.address) === JSON.stringify(y?.address);
}

/**
 * The interface of `def` that `want` names, as libvirt's virDomainNetFindIdx finds it: by its MAC
 * when the XML gives one, else any interface, which must then be the only one.
 */
export function findNic(def: DomainDef, want: Nic): Nic {
  const nics = devicesOf(def, 'interface');
  const matches = want.mac === undefined ? nics : nics.filter((n) => n.mac?.toLowerCase() === want.mac!.toLowerCase());
  if (matches.length > 1) throw new VirError(ErrorCode.OPERATION_FAILED, 'multiple matching devices found', ErrorDomain.DOMAIN);
  if (matches.length === 0) {
    throw new VirError(ErrorCode.DEVICE_MISSING, `no device found at address '(<null>)' matching MAC address '${want.mac ?? '(<null>)'}' and alias '(<null>)'`, ErrorDomain.DOMAIN);
  }
  return matches[0]!;
}

/** libvirt's name of a device's type in its messages (virDomainDeviceTypeToString). */
export function deviceTypeName(kind: string): string {
  return ['console', 'serial', 'parallel', 'channel'].includes(kind) ? 'chr' : kind === 'interface' ? 'net' : kind;
}
