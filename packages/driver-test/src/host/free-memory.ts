import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { TestCell } from './test-capabilities.js';

const D = ErrorDomain.TEST;

/**
 * testNodeGetFreeMemory: the cells' free KiB added up, handed out as the byte count the API
 * promises (libvirt's test driver mixes the units, and virsh then shows a thousandth).
 */
export function freeMemory(cells: readonly TestCell[]): bigint {
  return cells.reduce((sum, c) => sum + BigInt(c.freeMem), 0n);
}

/**
 * testNodeGetCellsFreeMemory: for up to `maxCells` cells from `startCell`, the cell's whole
 * memory in KiB, again as the byte count (what libvirt's test driver answers).
 */
export function cellsFreeMemory(cells: readonly TestCell[], startCell: number, maxCells: number): bigint[] {
  if (startCell >= cells.length) throw new VirError(ErrorCode.INVALID_ARG, 'Range exceeds available cells', D);
  return cells.slice(startCell, startCell + maxCells).map((c) => BigInt(c.memory));
}

/**
 * testNodeGetFreePages: made-up counts, the same for any cell and page size: each answer
 * restarts the series 19, 45, 97, 201 ... (x = 2x + 7 from 6), one per cell and page size.
 */
export function freePages(npages: number, cellCount: number, flags: number): bigint[] {
  checkFlags(flags, 0, 'testNodeGetFreePages', D);
  let x = 6n;
  return Array.from({ length: npages * cellCount }, () => {
    x = x * 2n + 7n;
    return x;
  });
}
