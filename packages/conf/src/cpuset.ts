import { ErrorCode, VirError } from '@tsvirt/util';

/** libvirt parses cpusets into bitmaps of this many bits unless told otherwise (VIR_DOMAIN_CPUMASK_LEN). */
export const CPUSET_BITS = 1024;

const badBitmap = (text: string): VirError => new VirError(ErrorCode.INVALID_ARG, `Failed to parse bitmap '${text}'`);

/**
 * Parses a cpuset list as libvirt's virBitmapParse does: comma-separated `N`, `N-M` and `^N`
 * (which clears N), blanks allowed around numbers, every bit below `size`. The result has `size`
 * entries, true for each CPU in the set.
 */
export function parseCpuSet(text: string, size = CPUSET_BITS): boolean[] {
  const bits = new Array<boolean>(size).fill(false);
  const items = text.split(',');
  // A trailing comma ends the list; an empty list or an empty item is refused.
  if (items.length > 1 && items.at(-1)!.trim() === '') items.pop();
  if (text.trim() === '') throw badBitmap(text);
  for (const item of items) {
    const m = /^\s*(\^)?(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
    if (!m || (m[1] && m[3] !== undefined)) throw badBitmap(text);
    const first = Number(m[2]);
    const last = m[3] === undefined ? first : Number(m[3]);
    if (last < first || last >= size) throw badBitmap(text);
    for (let i = first; i <= last; i++) bits[i] = !m[1];
  }
  return bits;
}

/** Formats a bitmap as libvirt's virBitmapFormat: ranges joined by commas (`0-3,5`), `` when empty. */
export function formatCpuSet(bits: readonly boolean[]): string {
  const parts: string[] = [];
  for (let i = 0; i < bits.length; i++) {
    if (!bits[i]) continue;
    let j = i;
    while (bits[j + 1]) j++;
    parts.push(j === i ? String(i) : `${i}-${j}`);
    i = j;
  }
  return parts.join(',');
}
