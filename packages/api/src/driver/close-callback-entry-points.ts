import type { ConnectCloseReason } from '../close-reason.js';

/** What a driver calls, once, when its connection closes by itself. */
export type DriverCloseCallback = (reason: ConnectCloseReason) => void;

/**
 * Entry points of a connection that can close by itself (libvirt's remote driver). Part of
 * HypervisorDriver; a driver without them accepts every registration and never calls back, as
 * libvirt's local drivers do.
 */
export interface CloseCallbackEntryPoints {
  /** Registers the one close callback; a second one is OPERATION_INVALID. It is not called on an explicit close. */
  connectRegisterCloseCallback?(cb: DriverCloseCallback): Promise<void>;
  /** Unregisters `cb`; another callback than the registered one is OPERATION_INVALID. */
  connectUnregisterCloseCallback?(cb: DriverCloseCallback): Promise<void>;
}
