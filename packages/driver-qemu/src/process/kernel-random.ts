import { closeSync, openSync, readSync } from 'node:fs';

/**
 * `size` random bytes from the kernel's generator (`/dev/urandom`), as a domain's master key is
 * made. Not node:crypto's randomBytes: requiring node:crypto loads its whole family of modules
 * (ciphers, keys, X.509, ...), 13M instructions of each start for 32 bytes.
 */
export function kernelRandomBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  const fd = openSync('/dev/urandom', 'r');
  try {
    // The kernel fills a read of /dev/urandom whole (up to 32 MiB); the loop is for the contract.
    for (let done = 0; done < size;) done += readSync(fd, bytes, done, size - done, null);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
