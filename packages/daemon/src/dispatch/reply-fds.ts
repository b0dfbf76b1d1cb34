import { closeSync, openSync } from 'node:fs';

/**
 * A handler's reply that carries file descriptors (REPLY_WITH_FDS): the session writes the reply,
 * then the descriptors over the unix socket, then closes its copies.
 */
export class ReplyWithFds {
  constructor(readonly ret: unknown, readonly fds: readonly number[]) {}

  /** Opens `paths` read-only as the descriptors to pass; none is left open if one fails. */
  static open(ret: unknown, paths: readonly string[]): ReplyWithFds {
    const fds: number[] = [];
    try {
      for (const p of paths) fds.push(openSync(p, 'r'));
    } catch (e) {
      closeFds(fds);
      throw e;
    }
    return new ReplyWithFds(ret, fds);
  }
}

export function closeFds(fds: readonly number[]): void {
  for (const fd of fds) closeSync(fd);
}

/** A reply frame, and the descriptors to send after it. */
export interface DispatchReply {
  readonly frame: Uint8Array;
  readonly fds?: readonly number[];
}
