/**
 * `<vsock>` on QEMU's command line as libvirt 9.0 writes it: `vhost-vsock-pci` (or its
 * transitional variants) with the guest's context id and the `/dev/vhost-vsock` descriptor the
 * driver opened and set that id on, passed by number.
 */
import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { deviceArg } from './device-args.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';
import { aliasOf } from '../devices/device-aliases.js';
import { virtioOptions } from './virtio-args.js';

const DRIVERS: Record<string, string> = {
  virtio: 'vhost-vsock-pci', 'virtio-transitional': 'vhost-vsock-pci-transitional', 'virtio-non-transitional': 'vhost-vsock-pci-non-transitional',
};

/** The descriptor QEMU gets for the vsock device: its number, and the context id it was set to (an automatic one is chosen then). */
export interface VsockFd {
  readonly fd: number;
  readonly cid: number;
}

/**
 * `-device` of the domain's vsock device. Without a descriptor (a pretend start: domxml-to-native)
 * the line shows libvirt's there: fd -1, and the context id of the definition (0 for an automatic one).
 */
export function vsockArgs(devices: readonly XmlElement[], vhost: VsockFd | undefined): string[] {
  const v = devicesOf(devices, 'vsock')[0];
  if (!v) return [];
  if (v.address !== undefined && v.address.type !== 'pci') throw new VirError(ErrorCode.INTERNAL_ERROR, "Unexpected address type for 'vhost-vsock'", ErrorDomain.QEMU);
  const cid = vhost?.cid ?? (v.cid?.auto === true ? 0 : (v.cid?.address ?? 0));
  return deviceArg({
    driver: DRIVERS[v.model ?? 'virtio'], ...virtioOptions(v.driver), id: aliasOf(v), 'guest-cid': cid, vhostfd: String(vhost?.fd ?? -1),
    ...pciProps(pciAddressOf(v), hasPcieRoot(devices)),
  });
}
