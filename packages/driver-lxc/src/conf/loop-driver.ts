import { existsSync } from 'node:fs';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DomainDevice } from '@tsvirt/conf';
import { SETUP_FAILURE, setupFailure } from './setup-failure.js';

type Fs = Extract<DomainDevice, { kind: 'filesystem' }>;

/**
 * Checks a `type='file'` filesystem's `<driver>` as libvirt_lxc does: the default driver is a
 * loop device for a raw (or unformatted) image and nbd otherwise; a loop device takes raw images
 * only; nbd needs the kernel's nbd module (and is not built here); no other driver is taken.
 */
export function checkLoopDriver(fs: Fs): void {
  const format = fs.driver?.format;
  const raw = format === undefined || format === 'raw' || format === 'none';
  const driver = fs.driver?.type ?? (raw ? 'loop' : 'nbd');
  if (driver === 'loop') {
    if (!raw) throw setupFailure(`unsupported configuration: fs format ${format} is not supported`);
    return;
  }
  if (driver === 'nbd') {
    // libvirt loads the kernel's nbd module first and fails so where there is none.
    if (!existsSync('/sys/module/nbd')) throw new VirError(ErrorCode.INTERNAL_ERROR, `guest failed to start: ${SETUP_FAILURE}internal error: Failed to load nbd module`, ErrorDomain.LXC);
    throw new VirError(ErrorCode.NO_SUPPORT, 'this driver does not serve images through nbd (qemu-nbd): use a raw image on a loop device', ErrorDomain.LXC);
  }
  throw setupFailure(`unsupported configuration: fs driver ${driver} is not supported`);
}
