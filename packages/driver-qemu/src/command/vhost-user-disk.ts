import { domainPart, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { ResolvedDisk } from './disk-props.js';
import { vhostUserChardev } from './netdev-args.js';
import { pciAddressOf, pciProps } from './pci-address.js';
import { virtioOptions } from './virtio-args.js';

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/**
 * A `<disk type='vhostuser'>`: QEMU connects to the backend's UNIX socket (`chr-vu-ALIAS`) and
 * the guest sees a vhost-user-blk-pci device; no block node exists on QEMU's side.
 */
export function vhostUserDiskArgs(d: ResolvedDisk, pcieRoot: boolean): string[] {
  const src = d.view.disk.source;
  if (src?.type !== 'unix' || src.path === undefined) throw unsupported(`vhostuser disk '${d.view.target}' needs a UNIX socket`);
  const chardev = `chr-vu-${d.alias}`;
  const queues = d.view.disk.driver?.queues;
  return [
    '-chardev', vhostUserChardev(chardev, src.path, false, src.reconnect),
    '-device', JSON.stringify({
      driver: 'vhost-user-blk-pci', ...(queues !== undefined ? { 'num-queues': queues } : {}), ...virtioOptions(d.view.disk.driver),
      ...pciProps(pciAddressOf(d.view.disk), pcieRoot), chardev, id: d.alias, ...(d.bootIndex !== undefined ? { bootindex: d.bootIndex } : {}),
    }),
  ];
}

/** What is unsupported with a vhostuser disk, by the `<disk>` field that asks for it, in libvirt's words. */
const VHOSTUSER_UNSUPPORTED: ReadonlyArray<readonly [string, (d: ResolvedDisk['view']['disk']) => boolean]> = [
  ['cache', (d) => d.driver?.cache !== undefined],
  ['error_policy', (d) => d.driver?.errorPolicy !== undefined || d.driver?.rerrorPolicy !== undefined],
  ['io', (d) => d.driver?.io !== undefined],
  ['ioeventfd', (d) => d.driver?.ioeventfd !== undefined],
  ['copy_on_read', (d) => d.driver?.copyOnRead !== undefined],
  ['discard', (d) => d.driver?.discard !== undefined],
  ['detect_zeroes', (d) => d.driver?.detectZeroes !== undefined],
  ['readonly', (d) => d.readonly === true],
  ['shareable', (d) => d.shareable === true],
  ['transient', (d) => d.transient === true],
  ['serial', (d) => d.serial !== undefined],
  ['wwn', (d) => d.wwn !== undefined],
  ['vendor', (d) => d.vendor !== undefined],
  ['product', (d) => d.product !== undefined],
];

/**
 * libvirt's checks of a vhostuser disk at define: virtio only, none of the block layer's options,
 * and guest memory QEMU can share with the backend (`<memoryBacking><access mode='shared'/>`, or
 * every NUMA node shared).
 */
export function checkVhostUserDisks(def: DomainDef, disks: ReadonlyArray<ResolvedDisk['view']>): void {
  for (const v of disks) {
    if (v.type !== 'vhostuser') continue;
    if (v.bus !== 'virtio') throw unsupported('vhostuser disk supports only virtio bus');
    const bad = VHOSTUSER_UNSUPPORTED.find(([, has]) => has(v.disk));
    if (bad) throw unsupported(`${bad[0]} is not supported with vhostuser disk`);
    requireSharedMemory(def, 'vhostuser disk');
  }
}

/** libvirt's check that a vhost-user device's backend can map the guest's memory. */
export function requireSharedMemory(def: DomainDef, what: string): void {
  const shared = domainPart(def, 'memoryBacking')?.access === 'shared';
  const cells = domainPart(def, 'cpu')?.numa?.cells ?? [];
  const ok = cells.length === 0 ? shared : cells.every((c) => c.memAccess === 'shared' || (c.memAccess === undefined && shared));
  if (!ok) throw unsupported(`'${what}' requires shared memory`);
}
