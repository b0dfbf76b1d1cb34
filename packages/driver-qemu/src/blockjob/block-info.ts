import { open, readFile, stat } from 'node:fs/promises';
import type { DomainBlockInfo, DomainRef, HypervisorDriver } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, systemError } from '@tsvirt/util';
import { disksOf, type QemuDisk } from '../devices/qemu-disk.js';
import { readDomain } from '../driver/domain-access.js';
import type { DriverContext } from '../driver/driver-context.js';
import { currentDef } from '../state/qemu-store.js';

const D = ErrorDomain.QEMU;
const QCOW2_MAGIC = 0x514649fb;

/** The guest-visible size of an image: a qcow2 header's size, else the file's (or device's) length. */
async function virtualSize(path: string, format: string, length: number): Promise<number> {
  if (format !== 'qcow2') return length;
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(32);
    await fh.read(head, 0, 32, 0);
    return head.readUInt32BE(0) === QCOW2_MAGIC ? Number(head.readBigUInt64BE(24)) : length;
  } finally {
    await fh.close();
  }
}

/** The length of a block device, from sysfs by its device number. */
async function deviceLength(rdev: number): Promise<number> {
  const major = (rdev >> 8) & 0xfff;
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
  const sectors = await readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8');
  return Number(sectors.trim()) * 512;
}

/** libvirt's virDomainGetBlockInfo for a local image: size inside, bytes allocated on the host, the file's length. */
async function imageInfo(disk: QemuDisk): Promise<DomainBlockInfo> {
  const path = disk.path!;
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw systemError(`failed to stat file '${path}'`, e, D);
  });
  const physical = st.isBlockDevice() ? await deviceLength(st.rdev) : st.size;
  return { capacity: await virtualSize(path, disk.format, physical), allocation: st.isBlockDevice() ? 0 : st.blocks * 512, physical };
}

/** The QEMU driver's domainGetBlockInfo: a disk named by target or source path, running or not. */
export function blockInfoEntryPoints(drv: DriverContext): Required<Pick<HypervisorDriver, 'domainGetBlockInfo'>> {
  return {
    async domainGetBlockInfo(dom: DomainRef, name: string, flags: number): Promise<DomainBlockInfo> {
      checkFlags(flags, 0, 'qemuDomainGetBlockInfo', D);
      const disks = disksOf(currentDef(await readDomain(drv, dom)).devices);
      const disk = disks.find((d) => d.target === name) ?? disks.find((d) => d.path !== undefined && d.path === name);
      if (!disk) throw new VirError(ErrorCode.INVALID_ARG, `invalid path ${name} not assigned to domain`, D);
      if (disk.path === undefined) {
        throw new VirError(ErrorCode.INVALID_ARG, `disk '${disk.target}' does not currently have a source assigned`, D);
      }
      return imageInfo(disk);
    },
  };
}
