/**
 * The descriptors a client sends with its calls (CALL_WITH_FDS: the count after the header, then
 * one dummy byte per descriptor after the frame, each byte carrying its descriptor as SCM_RIGHTS
 * ancillary data). The session reads its unix socket through `@tsvirt/remote`'s addon, which
 * hands over the descriptors of each read before its bytes; this pairs them with their call.
 *
 * As libvirtd: a carrier byte without its descriptor, or a descriptor on any other byte, ends the
 * client; a call waits until all of its descriptors have arrived; whatever a call was given is
 * closed when the call ends, and whatever is still held when the client goes.
 */
import type { Frame } from '@tsvirt/remote/protocol';
import { closeFds } from '../dispatch/reply-fds.js';

/** A call ready to run, with the descriptors it brought (none for most). */
export interface CallWithFds {
  readonly frame: Frame;
  readonly fds: readonly number[];
}

export class FdIntake {
  /** Descriptors received, not yet given to a call. */
  #fds: number[] = [];
  /** Frames read, in order, waiting for their descriptors (only the last can wait). */
  #frames: Frame[] = [];
  #received = 0;
  #announced = 0;

  /** Descriptors that came with the bytes read next. */
  received(fds: readonly number[]): void {
    this.#fds.push(...fds);
    this.#received += fds.length;
  }

  /** A frame read off the socket (in order). */
  frame(frame: Frame): void {
    this.#announced += frame.nfds;
    this.#frames.push(frame);
  }

  /**
   * After a read: checks that every carrier byte read so far brought exactly one descriptor
   * (`carriersPending` are announced but not read yet) and returns the calls now complete, in order.
   * Throws, naming the fault, when a client's descriptors and carrier bytes disagree.
   */
  settle(carriersPending: number): CallWithFds[] {
    const carried = this.#announced - carriersPending;
    if (this.#received > carried) throw new Error(`${this.#received - carried} file descriptor(s) sent outside a call's carrier bytes`);
    if (this.#received < carried) throw new Error('Failed to recv file descriptor: a carrier byte came without one');
    const ready: CallWithFds[] = [];
    while (this.#frames.length > 0 && this.#fds.length >= this.#frames[0]!.nfds) {
      const frame = this.#frames.shift()!;
      ready.push({ frame, fds: this.#fds.splice(0, frame.nfds) });
    }
    return ready;
  }

  /** Closes every descriptor still held (the client is gone). */
  close(): void {
    closeFds(this.#fds);
    this.#fds = [];
    this.#frames = [];
  }
}
