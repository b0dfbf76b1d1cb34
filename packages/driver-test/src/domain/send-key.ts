import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { keycodeSetName, translateKeycode } from '@tsvirt/util/keycodes';

/**
 * testDomainSendKey's check of the keys: each must be a code some key has in `codeset` (libvirt
 * translates it into its own set); the hold time is ignored, as no guest reads the keys.
 */
export function checkSendKeycodes(codeset: number, keycodes: readonly number[]): void {
  const bad = keycodes.find((code) => translateKeycode(codeset, codeset, code) === undefined);
  if (bad !== undefined) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `invalid keycode ${bad} of ${keycodeSetName(codeset)} codeset`, ErrorDomain.TEST);
  }
}
