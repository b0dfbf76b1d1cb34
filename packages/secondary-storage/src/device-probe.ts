import { ErrorCode, ErrorDomain, VirError, runCommand } from '@tsvirt/util';

const D = ErrorDomain.STORAGE;

/** What blkid finds on a device: a file system (`TYPE`) or a partition table (`PTTYPE`); undefined when none. */
export async function probeDevice(device: string, tag: 'TYPE' | 'PTTYPE'): Promise<string | undefined> {
  const { stdout } = await runCommand('blkid', ['-p', '-o', 'value', '-s', tag, device], { okExitCodes: [0, 2], domain: ErrorDomain.NONE });
  return stdout.trim() || undefined;
}

/**
 * libvirt's check of a device before a build writes a file system or label on it (`writing`) or
 * before a start uses it: building refuses what is already there (the same format: already
 * formatted; another: overwrite needed); starting refuses a device with nothing or another format.
 */
export async function checkDeviceFormat(device: string, tag: 'TYPE' | 'PTTYPE', format: string, writing: boolean): Promise<void> {
  const found = await probeDevice(device, tag);
  if (found === undefined) {
    if (!writing) throw new VirError(ErrorCode.STORAGE_PROBE_FAILED, `Device '${device}' is unrecognized, requires build`, D);
    return;
  }
  if (found === format) {
    if (writing) throw new VirError(ErrorCode.STORAGE_POOL_BUILT, `Device '${device}' already formatted using '${found}'`, D);
    return;
  }
  const detail = `Format of device '${device}' does not match the expected format '${format}'`;
  throw new VirError(ErrorCode.STORAGE_POOL_BUILT, writing ? `${detail}, forced overwrite is necessary` : detail, D);
}
