import type { DeviceOf } from '@tsvirt/conf';
import { join } from 'node:path';
import { pciAddressOf, pciProps } from './pci-address.js';

type Filesystem = DeviceOf<'filesystem'>;

/** Whether a filesystem is shared through virtiofs (a vhost-user-fs device and its virtiofsd). */
export const isVirtiofs = (fs: Filesystem): boolean => fs.driver?.type === 'virtiofs';

/** The vhost-user socket of virtiofs `fsN`: one the definition names, else virtiofsd's in the run directory. */
export const virtiofsSocket = (fs: Filesystem, id: string, runDir: string): string => fs.source?.socket ?? join(runDir, `${id}-fs.sock`);

/** `-chardev` and `-device vhost-user-fs-pci` of a virtiofs filesystem, as libvirt 9.0 gives them. */
export function virtiofsArgs(fs: Filesystem, id: string, runDir: string, pcieRoot: boolean): string[] {
  const chardev = `chr-vu-${id}`;
  return [
    '-chardev', `socket,id=${chardev},path=${virtiofsSocket(fs, id, runDir).replaceAll(',', ',,')}`,
    '-device', JSON.stringify({
      driver: 'vhost-user-fs-pci', id, chardev, ...(fs.driver?.queue !== undefined ? { 'queue-size': fs.driver.queue } : {}), tag: fs.target,
      ...(fs.bootOrder !== undefined ? { bootindex: fs.bootOrder } : {}), ...pciProps(pciAddressOf(fs), pcieRoot),
    }),
  ];
}
