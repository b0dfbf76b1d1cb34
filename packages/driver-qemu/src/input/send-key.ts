import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { KeycodeSet, keycodeSetName, translateKeycode } from '@tsvirt/util/keycodes';

/** QMP `send-key`'s arguments: each key as QEMU's number (libvirt's qnum set). */
export type SendKeyArgs = {
  readonly keys: ReadonlyArray<{ readonly type: 'number'; readonly data: number }>;
  readonly 'hold-time'?: number;
};

/**
 * The keys as QEMU numbers them, as libvirt's QEMU driver translates them (before it looks at the
 * domain): a key the qnum set has no code for is refused in libvirt's words. A hold time of 0 is
 * QEMU's own default (100 ms), so it is left out, as libvirt leaves it out.
 */
export function sendKeyArgs(codeset: number, holdtime: number, keycodes: readonly number[]): SendKeyArgs {
  const qnums = keycodes.map((code) => {
    const qnum = codeset === KeycodeSet.QNUM ? code : translateKeycode(codeset, KeycodeSet.QNUM, code);
    if (qnum === undefined) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot translate keycode ${code} of ${keycodeSetName(codeset)} codeset to qnum keycode`, ErrorDomain.QEMU);
    }
    return qnum;
  });
  const keys = qnums.map((data) => ({ type: 'number' as const, data }));
  return holdtime ? { keys, 'hold-time': holdtime } : { keys };
}
