/* libvirt's constants for networks, host interfaces, node devices and node statistics, with
   libvirt's numeric values (libvirt-network.h, libvirt-interface.h, libvirt-nodedev.h, libvirt-host.h). */

/** virConnectListAllNetworksFlags. */
export const ListNetworksFlags = {
  INACTIVE: 1, ACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, AUTOSTART: 16, NO_AUTOSTART: 32,
} as const;
/** virNetworkXMLFlags. */
export const NetworkXMLFlags = { INACTIVE: 1 } as const;
/** virNetworkDefineFlags and virNetworkCreateFlags. */
export const NetworkDefineFlags = { VALIDATE: 1 } as const;
export const NetworkCreateFlags = { VALIDATE: 1 } as const;
/** virNodeDeviceCreateXMLFlags and virNodeDeviceDefineXMLFlags. */
export const NodeDeviceCreateXMLFlags = { VALIDATE: 1 } as const;
export const NodeDeviceDefineXMLFlags = { VALIDATE: 1 } as const;
/** virNetworkPortCreateFlags. */
export const NetworkPortCreateFlags = { RECLAIM: 1, VALIDATE: 2 } as const;
/** virNetworkUpdateCommand and virNetworkUpdateSection live with the network model that applies them. */
export { NetworkUpdateCommand, NetworkUpdateSection } from '@tsvirt/conf';
/** virNetworkUpdateFlags. */
export const NetworkUpdateFlags = { AFFECT_CURRENT: 0, AFFECT_LIVE: 1, AFFECT_CONFIG: 2 } as const;

/** virConnectListAllInterfacesFlags. */
export const ListInterfacesFlags = { INACTIVE: 1, ACTIVE: 2 } as const;
/** virInterfaceXMLFlags and virInterfaceDefineFlags. */
export const InterfaceXMLFlags = { INACTIVE: 1 } as const;
export const InterfaceDefineFlags = { VALIDATE: 1 } as const;

/** virConnectListAllNodeDeviceFlags: one bit per capability, then the state bits. */
export const ListNodeDevicesFlags = {
  CAP_SYSTEM: 1 << 0, CAP_PCI_DEV: 1 << 1, CAP_USB_DEV: 1 << 2, CAP_USB_INTERFACE: 1 << 3, CAP_NET: 1 << 4,
  CAP_SCSI_HOST: 1 << 5, CAP_SCSI_TARGET: 1 << 6, CAP_SCSI: 1 << 7, CAP_STORAGE: 1 << 8, CAP_FC_HOST: 1 << 9,
  CAP_VPORTS: 1 << 10, CAP_SCSI_GENERIC: 1 << 11, CAP_DRM: 1 << 12, CAP_MDEV_TYPES: 1 << 13, CAP_MDEV: 1 << 14,
  CAP_CCW_DEV: 1 << 15, CAP_CSS_DEV: 1 << 16, CAP_VDPA: 1 << 17, CAP_AP_CARD: 1 << 18, CAP_AP_QUEUE: 1 << 19,
  CAP_AP_MATRIX: 1 << 20, CAP_VPD: 1 << 21,
  INACTIVE: 0x40000000, ACTIVE: 0x80000000,
} as const;

/**
 * Capability names as node-device XML and `virsh nodedev-list --cap` spell them, in libvirt's
 * order (virNodeDevCapType), with their ListNodeDevicesFlags bit.
 */
export const NODE_DEVICE_CAPS: ReadonlyArray<readonly [name: string, flag: number]> = [
  ['system', ListNodeDevicesFlags.CAP_SYSTEM], ['pci', ListNodeDevicesFlags.CAP_PCI_DEV],
  ['usb_device', ListNodeDevicesFlags.CAP_USB_DEV], ['usb', ListNodeDevicesFlags.CAP_USB_INTERFACE],
  ['net', ListNodeDevicesFlags.CAP_NET], ['scsi_host', ListNodeDevicesFlags.CAP_SCSI_HOST],
  ['scsi_target', ListNodeDevicesFlags.CAP_SCSI_TARGET], ['scsi', ListNodeDevicesFlags.CAP_SCSI],
  ['storage', ListNodeDevicesFlags.CAP_STORAGE], ['fc_host', ListNodeDevicesFlags.CAP_FC_HOST],
  ['vports', ListNodeDevicesFlags.CAP_VPORTS], ['scsi_generic', ListNodeDevicesFlags.CAP_SCSI_GENERIC],
  ['drm', ListNodeDevicesFlags.CAP_DRM], ['mdev_types', ListNodeDevicesFlags.CAP_MDEV_TYPES],
  ['mdev', ListNodeDevicesFlags.CAP_MDEV], ['ccw', ListNodeDevicesFlags.CAP_CCW_DEV],
  ['css', ListNodeDevicesFlags.CAP_CSS_DEV], ['vdpa', ListNodeDevicesFlags.CAP_VDPA],
  ['ap_card', ListNodeDevicesFlags.CAP_AP_CARD], ['ap_queue', ListNodeDevicesFlags.CAP_AP_QUEUE],
  ['ap_matrix', ListNodeDevicesFlags.CAP_AP_MATRIX], ['vpd', ListNodeDevicesFlags.CAP_VPD],
];

/** VIR_NODE_CPU_STATS_ALL_CPUS and VIR_NODE_MEMORY_STATS_ALL_CELLS. */
export const NODE_CPU_STATS_ALL_CPUS = -1;
export const NODE_MEMORY_STATS_ALL_CELLS = -1;
