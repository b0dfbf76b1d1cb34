import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { checkNonNegative, checkNonZero, checkPositive } from './arg-checks.js';

/** virNodeGetCellsFreeMemory's argument checks. */
export function checkCellsFreeMemoryArgs(startCell: number, maxCells: number): void {
  checkPositive(maxCells, 'maxCells', 'virNodeGetCellsFreeMemory');
  checkNonNegative(startCell, 'startCell', 'virNodeGetCellsFreeMemory');
}

/** The page and cell counts virNodeGetFreePages and virNodeAllocPages refuse when zero. */
export function checkPageArgs(npages: number, cellCount: number, api: string): void {
  checkNonZero(npages, 'npages', api);
  checkNonZero(cellCount, 'cellCount', api);
}

/** virErrorGenericFailure: what libvirt reports when a call failed without saying why (a free-memory count of 0). */
export function genericFailure(): VirError {
  const text = 'An error occurred, but the cause is unknown';
  return new VirError(ErrorCode.INTERNAL_ERROR, text, ErrorDomain.NONE, { message: text });
}
