import type { QmpClient } from './qmp-client.js';
import type { QmpEvent } from './qmp-types.js';

/**
 * A wait that looks again as soon as QEMU reports a change: it counts the monitor's events that
 * match from the moment it is made, and `sleep` ends at the first one after a look (or after a
 * quiet period, the fallback for an event that never comes). Made before the command whose
 * outcome is awaited, so an event arriving while a look is in flight is not missed.
 */
export class EventWake {
  #seen = 0;
  #wake: (() => void) | undefined;
  readonly #off: () => void;

  constructor(mon: QmpClient, match: (e: QmpEvent) => boolean) {
    this.#off = mon.onEvent((e) => {
      if (!match(e)) return;
      this.#seen++;
      this.#wake?.();
    });
  }

  /** How many matching events came so far: taken before a look and given to `sleep` after it. */
  get seen(): number {
    return this.#seen;
  }

  /** Returns at once when an event came since `since`, else at the next one or after `ms`. */
  async sleep(since: number, ms: number): Promise<void> {
    if (this.#seen !== since) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  /** Stops counting. */
  close(): void {
    this.#off();
  }
}
