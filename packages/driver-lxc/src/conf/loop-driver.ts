import type { DomainDevice } from '@tsvirt/conf';
import { setupFailure } from './setup-failure.js';

type Fs = Extract<DomainDevice, { kind: 'filesystem' }>;

/** The driver of an image filesystem: a loop device (raw images), or nbd through qemu-nbd in a format. */
export type ImageDriver = { readonly kind: 'loop' } | { readonly kind: 'nbd'; readonly format: string };

/**
 * Checks a `type='file'` filesystem's `<driver>` as libvirt_lxc does, before anything is made:
 * the default driver is a loop device for a raw (or unformatted) image and nbd otherwise; a loop
 * device takes raw images only; nbd needs the format named; no other driver is taken. (Whether
 * the kernel has nbd is found at start, as libvirt_lxc finds it.)
 */
export function checkImageDriver(fs: Fs): ImageDriver {
  const format = fs.driver?.format;
  const raw = format === undefined || format === 'raw' || format === 'none';
  const driver = fs.driver?.type ?? (raw ? 'loop' : 'nbd');
  if (driver === 'loop') {
    if (!raw) throw setupFailure(`unsupported configuration: fs format ${format} is not supported`);
    return { kind: 'loop' };
  }
  if (driver === 'nbd') {
    if (format === undefined || format === 'none') throw setupFailure('unsupported configuration: An explicit disk format must be specified');
    return { kind: 'nbd', format };
  }
  throw setupFailure(`unsupported configuration: fs driver ${driver} is not supported`);
}
