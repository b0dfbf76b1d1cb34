import { open, readFile } from 'node:fs/promises';
import type { StoragePoolDef } from '@tsvirt/conf';
import { StoragePoolBuildFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, runCommand, systemError } from '@tsvirt/util';
import { checkDeviceFormat } from '../device-probe.js';
import { checkBuildFlags } from '../dir-pool.js';
import type { PoolBackend } from '../pool-backend.js';
import { sourceDevices, sourceOf } from '../pool-xml.js';
import { sourcesXML } from '../sources-xml.js';
import type { VolumeEntry } from '../volume-facts.js';
import {
  PVS_ARGS, lvcreateArgs, lvremoveArgs, lvresizeArgs, lvsArgs, parseLvs, parsePvs, parseVgs, vgchangeArgs, vgcreateArgs, vgremoveArgs, vgsArgs,
} from './lvm.js';

const D = ErrorDomain.STORAGE;
/** LVM warns of every descriptor a caller leaks to it; Node's children inherit none worth the noise. */
const LVM_ENV = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' };
const lvm = (cmd: string, args: readonly string[]): Promise<{ stdout: string }> =>
  runCommand(cmd, args, { domain: ErrorDomain.NONE, env: LVM_ENV });

/** The volume group of a logical pool: its source name (conf gives it the pool's name when it names none). */
export const groupOf = (def: StoragePoolDef): string => sourceOf(def).name ?? def.name;

/** Whether the kernel has device-mapper, which activating any logical volume needs (`/proc/misc` lists it). */
export async function hasDeviceMapper(misc = '/proc/misc'): Promise<boolean> {
  const text = await readFile(misc, 'utf8').catch(() => '');
  return text.split('\n').some((l) => l.trim().split(/\s+/)[1] === 'device-mapper');
}

/** Refuses what needs logical volumes active where the kernel cannot make them. */
async function requireDeviceMapper(def: StoragePoolDef, what: string): Promise<void> {
  if (await hasDeviceMapper()) return;
  throw new VirError(ErrorCode.OPERATION_UNSUPPORTED,
    `cannot ${what} logical pool '${def.name}': the kernel has no device-mapper driver (none in /proc/misc)`, D);
}

/** The volume group must exist: libvirt looks for it among the physical volumes `pvs` lists. */
async function checkGroup(def: StoragePoolDef): Promise<void> {
  const groups = parsePvs((await lvm('pvs', PVS_ARGS)).stdout);
  if (!groups.has(groupOf(def))) throw new VirError(ErrorCode.OPERATION_FAILED, `cannot find logical volume group name '${groupOf(def)}'`, D);
}

/** Zeros the first MiB of a device, so pvcreate finds no old label or partition table (libvirt does the same). */
async function zeroHead(device: string): Promise<void> {
  const fh = await open(device, 'r+').catch((e: unknown) => {
    throw systemError(`cannot open device '${device}'`, e as NodeJS.ErrnoException, D);
  });
  try {
    await fh.write(Buffer.alloc(1024 * 1024), 0, 1024 * 1024, 0);
  } finally {
    await fh.close();
  }
}

async function logicalVolumes(def: StoragePoolDef): Promise<VolumeEntry[]> {
  const vg = groupOf(def);
  return parseLvs((await lvm('lvs', lvsArgs(vg))).stdout)
    .map((lv) => ({ pool: def.name, name: lv.name, type: 'block' as const, path: `/dev/${vg}/${lv.name}`, entry: `/dev/${vg}/${lv.name}` }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The `logical` pool: an LVM volume group, its logical volumes the volumes, through LVM's
 * commands as libvirt's logical backend runs them. Building (pvcreate, vgcreate), deleting
 * (vgremove, pvremove) and source discovery (pvs) need only LVM's metadata; starting and making
 * volumes need device-mapper in the kernel, and are refused clearly where it is missing.
 */
export const logicalBackend: PoolBackend = {
  async build(def, flags) {
    checkBuildFlags(flags, 'virStorageBackendLogicalBuildPool');
    const devices = sourceDevices(def);
    if (flags & StoragePoolBuildFlags.NO_OVERWRITE) for (const d of devices) await checkDeviceFormat(d, 'TYPE', 'LVM2_member', true);
    const made: string[] = [];
    try {
      for (const d of devices) {
        await zeroHead(d);
        await lvm('pvcreate', [d]);
        made.push(d);
      }
      await lvm('vgcreate', vgcreateArgs(groupOf(def), devices));
    } catch (e) {
      // Nothing half-built stays: the physical volumes made so far are removed again.
      for (const d of made) await lvm('pvremove', [d]).catch(() => undefined);
      throw e;
    }
  },
  async start(def) {
    await requireDeviceMapper(def, 'start');
    await checkGroup(def);
    await lvm('vgchange', vgchangeArgs(groupOf(def), true));
  },
  async stop(def) {
    await lvm('vgchange', vgchangeArgs(groupOf(def), false));
  },
  async delete(def, flags) {
    checkFlags(flags, 0, 'virStorageBackendLogicalDeletePool', D);
    await lvm('vgremove', vgremoveArgs(groupOf(def)));
    for (const d of sourceDevices(def)) await lvm('pvremove', [d]);
  },
  async check(def) {
    await requireDeviceMapper(def, 'refresh');
    await checkGroup(def);
  },
  async sizes(def) {
    const { capacity, available } = parseVgs((await lvm('vgs', vgsArgs(groupOf(def)))).stdout);
    return { capacity, allocation: capacity - available, available };
  },
  livePermissions: false,
  volumes: logicalVolumes,
  volume: async (def, name) => (await logicalVolumes(def)).find((v) => v.name === name),
  async createVolume(def, vol, flags) {
    checkFlags(flags, 0, 'virStorageBackendLogicalCreateVol', D);
    await requireDeviceMapper(def, 'create a volume in');
    await lvm('lvcreate', lvcreateArgs(groupOf(def), {
      name: vol.name, capacity: vol.capacity, allocation: vol.allocation, ...(vol.backing ? { backingPath: vol.backing.path } : {}),
    }));
  },
  async deleteVolume(_def, vol, flags) {
    checkFlags(flags, 0, 'virStorageBackendLogicalDeleteVol', D);
    await lvm('lvremove', lvremoveArgs(vol.path));
  },
  resizable: false,
  async resizeVolume(def, vol, capacity) {
    await requireDeviceMapper(def, 'resize a volume in');
    await lvm('lvresize', lvresizeArgs(vol.path, capacity));
  },
  async findSources() {
    // vgscan makes LVM look at every device first; what it finds is in pvs's answer.
    await lvm('vgscan', []).catch(() => undefined);
    const groups = parsePvs((await lvm('pvs', PVS_ARGS)).stdout);
    return sourcesXML([...groups].map(([name, devices]) => ({ devices, name, format: 'lvm2' })));
  },
};
