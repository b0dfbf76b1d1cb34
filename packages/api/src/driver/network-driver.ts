/** How a driver names a virtual network: what libvirt's virNetworkPtr carries. */
export interface NetworkRef {
  readonly name: string;
  readonly uuid: string;
}

/** A network event as a driver raises it. */
export interface NetworkDriverEvent {
  readonly net: NetworkRef;
  /** NetworkEventID. */
  readonly eventID: number;
  /** NetworkEventLifecycleType for LIFECYCLE events. */
  readonly event: number;
  /** Always 0 in libvirt 9.0. */
  readonly detail: number;
}

/** Network entry points (libvirt's virNetworkDriver); every member optional, missing ones are NO_SUPPORT. */
export interface NetworkDriver {
  connectListAllNetworks?(flags: number): Promise<NetworkRef[]>;
  networkLookupByName?(name: string): Promise<NetworkRef>;
  networkLookupByUUID?(uuid: string): Promise<NetworkRef>;
  networkDefineXML?(xml: string, flags: number): Promise<NetworkRef>;
  networkCreateXML?(xml: string, flags: number): Promise<NetworkRef>;
  networkUndefine?(net: NetworkRef): Promise<void>;
  networkCreate?(net: NetworkRef, flags: number): Promise<void>;
  networkDestroy?(net: NetworkRef): Promise<void>;
  networkGetXMLDesc?(net: NetworkRef, flags: number): Promise<string>;
  networkIsActive?(net: NetworkRef): Promise<boolean>;
  networkIsPersistent?(net: NetworkRef): Promise<boolean>;
  networkGetAutostart?(net: NetworkRef): Promise<boolean>;
  networkSetAutostart?(net: NetworkRef, autostart: boolean): Promise<void>;
  networkGetBridgeName?(net: NetworkRef): Promise<string>;
  /** Changes one section of the definition (NetworkUpdateCommand, NetworkUpdateSection, NetworkUpdateFlags). */
  networkUpdate?(net: NetworkRef, command: number, section: number, parentIndex: number, xml: string, flags: number): Promise<void>;
  /** DHCP leases handed out on the network, all of them or those of one MAC address. */
  networkGetDHCPLeases?(net: NetworkRef, mac: string | undefined, flags: number): Promise<NetworkDHCPLease[]>;
  networkListAllPorts?(net: NetworkRef, flags: number): Promise<NetworkPortRef[]>;
  networkPortLookupByUUID?(net: NetworkRef, uuid: string): Promise<NetworkPortRef>;
  networkPortCreateXML?(net: NetworkRef, xml: string, flags: number): Promise<NetworkPortRef>;
  networkPortGetXMLDesc?(port: NetworkPortRef, flags: number): Promise<string>;
  networkPortDelete?(port: NetworkPortRef, flags: number): Promise<void>;
  /** Calls `listener` for each event `eventID` (of `net` only, when given); the returned function stops it. */
  connectNetworkEventRegisterAny?(net: NetworkRef | undefined, eventID: number, listener: (e: NetworkDriverEvent) => void): Promise<() => void>;
}

/** How a driver names a port of a virtual network: what libvirt's virNetworkPortPtr carries. */
export interface NetworkPortRef {
  readonly net: NetworkRef;
  readonly uuid: string;
}

/** virNetworkDHCPLease. */
export interface NetworkDHCPLease {
  readonly iface: string;
  /** Seconds since the epoch. */
  readonly expiryTime: number;
  /** VIR_IP_ADDR_TYPE_IPV4 (0) or _IPV6 (1). */
  readonly type: number;
  readonly mac: string;
  readonly iaid?: string;
  readonly ipaddr: string;
  readonly prefix: number;
  readonly hostname?: string;
  readonly clientid?: string;
}
