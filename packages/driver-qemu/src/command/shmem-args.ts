/**
 * `<shmem>` on QEMU's command line as libvirt 9.0 writes it: `ivshmem-plain` over a shared
 * `memory-backend-file` in /dev/shm named after the region, or `ivshmem-doorbell` with the
 * UNIX socket of its ivshmem server as a character device (QEMU connects to it).
 */
import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { shmemBytes, shmemModel, type Shmem } from '../devices/shmem-rules.js';
import { defined, deviceArg } from './device-args.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';
import { aliasOf } from '../devices/device-aliases.js';

/** Where a doorbell's server listens when its definition names no path (libvirt's default). */
export const shmemServerPath = (s: Shmem): string => s.server?.path ?? `/var/lib/libvirt/shmem-${s.name ?? ''}-sock`;

/** The file QEMU maps for an `ivshmem-plain` region. */
export const shmemFile = (s: Shmem): string => `/dev/shm/${s.name ?? ''}`;

/** The refusals libvirt makes while it builds the device: a size QEMU cannot map, an address that is not PCI. */
function check(s: Shmem): bigint | undefined {
  const bytes = shmemBytes(s);
  if (bytes) {
    if ((bytes & (bytes - 1n)) !== 0n) throw new VirError(ErrorCode.XML_ERROR, 'shmem size must be a power of two', ErrorDomain.QEMU);
    if (bytes < 1n << 20n) throw new VirError(ErrorCode.XML_ERROR, 'shmem size must be at least 1 MiB (1024 KiB)', ErrorDomain.QEMU);
  }
  if (s.address !== undefined && s.address.type !== 'pci') {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "only 'pci' addresses are supported for the shared memory device", ErrorDomain.QEMU);
  }
  if (shmemModel(s) === 'ivshmem') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'ivshmem device is not supported with this QEMU binary', ErrorDomain.QEMU);
  return bytes;
}

/** `-object` + `-device` of each plain region, `-device` + `-chardev` of each doorbell one. */
export function shmemArgs(devices: readonly XmlElement[]): string[] {
  const pcieRoot = hasPcieRoot(devices);
  return devicesOf(devices, 'shmem').flatMap((s) => {
    const bytes = check(s);
    const id = aliasOf(s);
    const plain = shmemModel(s) === 'ivshmem-plain';
    const memdev = `shmmem-${id}`;
    const chardev = `char${id}`;
    const device = deviceArg(defined({
      driver: shmemModel(s), id, ...(plain ? { memdev } : { chardev }),
      master: plain && s.role !== undefined ? (s.role === 'master' ? 'on' : 'off') : undefined,
      vectors: s.msi?.vectors || undefined, ioeventfd: s.msi?.ioeventfd,
      ...pciProps(pciAddressOf(s), pcieRoot),
    }));
    if (!plain) return [...device, '-chardev', `socket,id=${chardev},path=${shmemServerPath(s).replaceAll(',', ',,')}`];
    const backend = { 'qom-type': 'memory-backend-file', id: memdev, 'mem-path': shmemFile(s), size: Number(bytes ?? 4n << 20n), share: true };
    return ['-object', JSON.stringify(backend), ...device];
  });
}
