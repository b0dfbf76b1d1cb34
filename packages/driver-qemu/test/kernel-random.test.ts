import { describe, expect, it } from 'vitest';
import { kernelRandomBytes } from '../src/process/kernel-random.js';

describe('kernelRandomBytes', () => {
  it.each([0, 1, 32, 4096, 1 << 20])('gives %i bytes', (size) => {
    expect(kernelRandomBytes(size).length).toBe(size);
  });

  it('gives different keys each time', () => {
    const keys = new Set(Array.from({ length: 8 }, () => kernelRandomBytes(32).toString('hex')));
    expect(keys.size).toBe(8);
  });

  it('fills the whole buffer, not a zeroed tail', () => {
    // 1 MiB of zeros at the end would mean a short read left unfilled.
    const bytes = kernelRandomBytes(1 << 20);
    expect(bytes.subarray(-64).some((b) => b !== 0)).toBe(true);
  });
});
