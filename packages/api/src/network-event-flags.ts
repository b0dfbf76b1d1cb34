/* libvirt 9.0's network event constants (libvirt-network.h), with libvirt's numeric values. */

/** virNetworkEventID: 9.0 has the lifecycle event only. */
export const NetworkEventID = { LIFECYCLE: 0 } as const;
/** virNetworkEventLifecycleType. */
export const NetworkEventLifecycleType = { DEFINED: 0, UNDEFINED: 1, STARTED: 2, STOPPED: 3 } as const;
export type NetworkEventLifecycleType = (typeof NetworkEventLifecycleType)[keyof typeof NetworkEventLifecycleType];
