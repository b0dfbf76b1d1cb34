/** The granularity holes are found at: a file system block. */
export const HOLE_BLOCK = 4096;
/** What `isZero` compares with, made on its first use: every process that loads util is not a stream. */
let zeros: Buffer | undefined;

/** Whether `buf[from, to)` is all zeros, compared a megabyte at a time. */
export function isZero(buf: Buffer, from: number, to: number): boolean {
  const ZEROS = (zeros ??= Buffer.alloc(1024 * 1024));
  for (let at = from; at < to; at += ZEROS.length) {
    const end = Math.min(at + ZEROS.length, to);
    if (buf.compare(ZEROS, 0, end - at, at, end) !== 0) return false;
  }
  return true;
}

/** One run of a buffer: `zero` runs are whole blocks of zeros (the last block may be short). */
export interface Run {
  readonly zero: boolean;
  readonly start: number;
  readonly end: number;
}

/** Splits `buf` into alternating runs of data and zero blocks, block by block. */
export function zeroRuns(buf: Buffer): Run[] {
  if (isZero(buf, 0, buf.length)) return [{ zero: true, start: 0, end: buf.length }];
  const runs: Run[] = [];
  for (let at = 0; at < buf.length; at += HOLE_BLOCK) {
    const end = Math.min(at + HOLE_BLOCK, buf.length);
    const zero = isZero(buf, at, end);
    const last = runs[runs.length - 1];
    if (last?.zero === zero) runs[runs.length - 1] = { zero, start: last.start, end };
    else runs.push({ zero, start: at, end });
  }
  return runs;
}
