import { VshError } from '../../vsh/vsh-error.js';

/**
 * `--pass-fds N,M,...` (dom-fd-associate, start, create, qemu-monitor-command): this process's
 * descriptors to hand over, each checked as virsh 9.0 checks it; none when the option is absent.
 */
export function passFds(text: string | undefined): number[] {
  if (text === undefined) return [];
  return text.split(',').map((f) => {
    if (!/^\s*\+?\d+$/.test(f) || Number(f) >= 2 ** 31) throw new VshError(`Unable to parse FD number '${f}'`);
    return Number(f);
  });
}
