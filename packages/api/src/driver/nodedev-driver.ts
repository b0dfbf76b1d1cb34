/** How a driver names a node device: what libvirt's virNodeDevicePtr carries. */
export interface NodeDeviceRef {
  readonly name: string;
}

/** Node device entry points (libvirt's virNodeDeviceDriver); every member optional, missing ones are NO_SUPPORT. */
export interface NodeDeviceDriver {
  /** Devices matching ListNodeDevicesFlags (0 for all). */
  connectListAllNodeDevices?(flags: number): Promise<NodeDeviceRef[]>;
  nodeDeviceLookupByName?(name: string): Promise<NodeDeviceRef>;
  nodeDeviceLookupSCSIHostByWWN?(wwnn: string, wwpn: string, flags: number): Promise<NodeDeviceRef>;
  nodeDeviceGetXMLDesc?(dev: NodeDeviceRef, flags: number): Promise<string>;
  /** The parent's name, or undefined for the root of the tree. */
  nodeDeviceGetParent?(dev: NodeDeviceRef): Promise<string | undefined>;
  nodeDeviceListCaps?(dev: NodeDeviceRef): Promise<string[]>;
  nodeDeviceIsActive?(dev: NodeDeviceRef): Promise<boolean>;
  nodeDeviceIsPersistent?(dev: NodeDeviceRef): Promise<boolean>;
  nodeDeviceGetAutostart?(dev: NodeDeviceRef): Promise<boolean>;
  nodeDeviceSetAutostart?(dev: NodeDeviceRef, autostart: boolean): Promise<void>;
  /** Stops (and, for a transient device, removes) a device. */
  nodeDeviceDestroy?(dev: NodeDeviceRef): Promise<void>;
  /** Starts a defined device (virNodeDeviceCreate). */
  nodeDeviceCreate?(dev: NodeDeviceRef, flags: number): Promise<void>;
  nodeDeviceUndefine?(dev: NodeDeviceRef, flags: number): Promise<void>;
  nodeDeviceDettach?(dev: NodeDeviceRef): Promise<void>;
  nodeDeviceDetachFlags?(dev: NodeDeviceRef, driverName: string | undefined, flags: number): Promise<void>;
  nodeDeviceReAttach?(dev: NodeDeviceRef): Promise<void>;
  nodeDeviceReset?(dev: NodeDeviceRef): Promise<void>;
  /** Creates a transient device (NodeDeviceCreateXMLFlags). */
  nodeDeviceCreateXML?(xml: string, flags: number): Promise<NodeDeviceRef>;
  /** Defines a persistent device (NodeDeviceDefineXMLFlags). */
  nodeDeviceDefineXML?(xml: string, flags: number): Promise<NodeDeviceRef>;
}
