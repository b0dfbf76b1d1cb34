import { childText, list, model } from '../../model/binding.js';
import { parsedUint } from '../../model/codec.js';

/**
 * `<blkiotune>`: the guest's block I/O weight and per-device limits. libvirt drops a weight it
 * cannot read without a word, so the overall weight stays as written.
 */
export const BLKIOTUNE = model('blkiotune', () => ({
  weight: childText('weight'),
  devices: list('device', {
    path: childText('path'),
    weight: childText('weight', parsedUint('weight')),
    readIopsSec: childText('read_iops_sec', parsedUint('read iops sec')),
    writeIopsSec: childText('write_iops_sec', parsedUint('write iops sec')),
    readBytesSec: childText('read_bytes_sec', parsedUint('read bytes sec')),
    writeBytesSec: childText('write_bytes_sec', parsedUint('write bytes sec')),
  }),
}));
