import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceOf } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, sysfsPath, systemError } from '@tsvirt/util';
import { deviceKey } from './device-key.js';

const D = ErrorDomain.QEMU;

/** A host SCSI LUN a `<hostdev type='scsi'>` names, found in sysfs. */
export interface ScsiHostDevice {
  /** libvirt's name of the LUN: `host:bus:target:unit`. */
  readonly name: string;
  /** Its SCSI generic node, `/dev/sgN` (under `TSVIRT_DEV_ROOT` in tests), which QEMU opens. */
  readonly sgPath: string;
  /** `major:minor` of the sg node: the LUN's key in the shared-disk table. */
  readonly key: string | undefined;
  /** `major:minor` of the LUN's block device, whose queue carries unpriv_sgio; none for a LUN without one (a tape). */
  readonly blockKey: string | undefined;
}

/** Where device nodes are: `TSVIRT_DEV_ROOT` (for tests on a fake tree) or `/dev`. */
export const devRoot = (): string => process.env['TSVIRT_DEV_ROOT'] || '/dev';

/** The host adapter's number of `scsi_hostN`, refused in libvirt's words otherwise. */
export function adapterNumber(adapter: string | undefined): number {
  const m = /^scsi_host(\d+)$/.exec(adapter ?? '');
  if (!m) throw new VirError(ErrorCode.INTERNAL_ERROR, `Cannot parse adapter '${adapter ?? ''}'`, D);
  return Number(m[1]);
}

/** libvirt's name of the LUN of a host-side SCSI hostdev: `host:bus:target:unit`. */
export function scsiHostdevName(h: DeviceOf<'hostdev'>): string {
  const a = h.source?.address;
  return `${adapterNumber(h.source?.adapter)}:${a?.bus ?? 0}:${a?.target ?? 0}:${a?.unit ?? 0}`;
}

/** The first entry of a sysfs directory, as libvirt takes the sg and block names; undefined when it has none. */
async function firstEntry(dir: string, required: boolean): Promise<string | undefined> {
  try {
    return (await readdir(dir)).sort()[0];
  } catch (e) {
    if (!required) return undefined;
    throw systemError(`cannot open directory '${dir}'`, e as NodeJS.ErrnoException, D);
  }
}

/**
 * Finds the LUN of a `<hostdev type='scsi'>` with a host adapter: its sg node under
 * `/sys/bus/scsi/devices/H:B:T:U/scsi_generic/` and its block device under `.../block/` (whose
 * `dev` file gives its `major:minor`), as libvirt looks them up.
 */
export async function findScsiHostDevice(h: DeviceOf<'hostdev'>): Promise<ScsiHostDevice> {
  const name = scsiHostdevName(h);
  const dir = sysfsPath(`bus/scsi/devices/${name}`);
  const sg = await firstEntry(join(dir, 'scsi_generic'), true);
  if (sg === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `SCSI device ${name} has no SCSI generic node`, D);
  const sgPath = join(devRoot(), sg);
  const block = await firstEntry(join(dir, 'block'), false);
  const blockKey = block === undefined ? undefined : (await readFile(join(dir, 'block', block, 'dev'), 'utf8').catch(() => '')).trim() || undefined;
  return { name, sgPath, key: await deviceKey(sgPath), blockKey };
}

/** Whether a hostdev is a SCSI LUN of a host adapter (not iSCSI, not vhost-scsi). */
export const isHostScsi = (h: DeviceOf<'hostdev'>): boolean =>
  h.mode !== 'capabilities' && h.type === 'scsi' && h.source?.protocol === undefined;
