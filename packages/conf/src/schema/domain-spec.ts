import { buildSpec, lazySpec } from './order-table.js';
import { domainOrder } from './generated/domain-order.js';
import type { ElementSpec } from './element-spec.js';
import { DISK_IOTUNE_ORDER } from '../domain/devices/disk-iotune.js';

/** libvirt's layout of `<domain>`. */
export const DOMAIN_SPEC: ElementSpec = buildSpec('domain', domainOrder, {
  'domain/devices': { expanded: true },
  // A redirected USB device: its chardev's sources and protocol, its boot order, then its alias before its address.
  'domain/devices/redirdev': { expanded: true, order: ['source', 'protocol', 'boot', 'alias', 'address'] },
  'domain/metadata': { foreign: true },
  // libvirt's full order: the corpus never shows some of these pairs side by side.
  'domain/cputune': {
    order: ['shares', 'period', 'quota', 'global_period', 'global_quota', 'emulator_period', 'emulator_quota',
      'iothread_period', 'iothread_quota', 'vcpupin', 'emulatorpin', 'iothreadpin', 'emulatorsched', 'vcpusched',
      'iothreadsched', 'cachetune', 'memorytune'],
  },
  // libvirt's format order; the schema's interleave and the corpus don't give it.
  'domain/devices/disk/iotune': { order: DISK_IOTUNE_ORDER },
  // A UNIX socket console says its mode first, as a serial port does (the corpus has no such console).
  'domain/devices/console/source': { attrs: ['mode', 'path', 'channel', 'host', 'service', 'tls'] },
  // A running guest's memory modules: their alias before the address, virtio-mem's plugged size last.
  'domain/devices/memory': { order: ['uuid', 'source', 'target', 'alias', 'address'], attrs: ['model', 'access', 'discard'] },
  'domain/devices/memory/target': { order: ['size', 'node', 'label', 'readonly', 'block', 'requested', 'current'] },
  // A running guest's devices carry their alias before their address (libvirt's device info).
  ...Object.fromEntries(['serial', 'parallel', 'console'].map((k) => [`domain/devices/${k}`, { order: ['log', 'source', 'protocol', 'target', 'alias', 'address'] }])),
  'domain/devices/filesystem': { order: ['driver', 'binary', 'source', 'target', 'boot', 'alias', 'address'] },
  'domain/devices/shmem': { order: ['model', 'size', 'server', 'msi', 'alias', 'address'] },
  'domain/devices/smartcard': { order: ['certificate', 'database', 'source', 'protocol', 'alias', 'address'] },
  'domain/devices/tpm': { order: ['backend', 'alias', 'address'] },
  'domain/devices/vsock': { order: ['cid', 'alias', 'address', 'driver'] },
  'domain/devices/watchdog': { order: ['alias', 'address'] },
  'domain/devices/hub': { order: ['alias', 'address'] },
  'domain/devices/video/model': { order: ['resolution', 'acceleration'], attrs: ['type', 'ram', 'vram', 'vram64', 'vgamem', 'heads', 'primary', 'blob'] },
});

/** libvirt's layout of the QEMU driver's `<domstatus>` file, with the domain inside it. */
export const DOMSTATUS_SPEC: ElementSpec = lazySpec(() => {
  const status = buildSpec('domstatus', domainOrder);
  return { ...status, children: { ...status.children, domain: DOMAIN_SPEC } };
});
