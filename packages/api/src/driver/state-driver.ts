/**
 * Process-wide state of a driver (libvirt's virStateDriver): loaded once per process before the
 * first connection, with no daemon behind it, and cleaned up when the process is done with it.
 */
export interface StateDriver {
  /** Loads persistent definitions and reconnects to what is running. */
  stateInitialize(): Promise<void>;
  /** Releases what `stateInitialize` took (monitors, timers), leaving guests running. */
  stateCleanup(): Promise<void>;
}
