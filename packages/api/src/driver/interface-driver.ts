/** How a driver names a host interface: what libvirt's virInterfacePtr carries. */
export interface InterfaceRef {
  readonly name: string;
  /** The MAC address as the definition spells it; empty when it has none. */
  readonly mac: string;
}

/** Host interface entry points (libvirt's virInterfaceDriver); every member optional, missing ones are NO_SUPPORT. */
export interface InterfaceDriver {
  /** Interfaces matching ListInterfacesFlags (0 for all). */
  connectListAllInterfaces?(flags: number): Promise<InterfaceRef[]>;
  interfaceLookupByName?(name: string): Promise<InterfaceRef>;
  interfaceLookupByMACString?(mac: string): Promise<InterfaceRef>;
  interfaceDefineXML?(xml: string, flags: number): Promise<InterfaceRef>;
  interfaceUndefine?(iface: InterfaceRef): Promise<void>;
  interfaceCreate?(iface: InterfaceRef, flags: number): Promise<void>;
  interfaceDestroy?(iface: InterfaceRef, flags: number): Promise<void>;
  interfaceGetXMLDesc?(iface: InterfaceRef, flags: number): Promise<string>;
  interfaceIsActive?(iface: InterfaceRef): Promise<boolean>;
  /** The transaction calls behind `iface-begin`, `iface-commit` and `iface-rollback`. */
  interfaceChangeBegin?(flags: number): Promise<void>;
  interfaceChangeCommit?(flags: number): Promise<void>;
  interfaceChangeRollback?(flags: number): Promise<void>;
}
