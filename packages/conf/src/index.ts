export type { XmlElement, XmlNode, XmlText, XmlComment } from './xml/xml-node.js';
export { element, textNode, attr, childElements, firstChild, textOf } from './xml/xml-node.js';
export { parseLabelled, parseXml, parseXmlFile, readXmlFile, MAX_XML_BYTES } from './xml/xml-parse.js';
export { formatXml, escapeXml } from './xml/xml-format.js';
export { patchElement, setAttr } from './xml/xml-edit.js';
export type { ElementSpec } from './schema/element-spec.js';
export { DOMAIN_SPEC, DOMSTATUS_SPEC } from './schema/domain-spec.js';
export { NETWORK_SPEC } from './schema/network-spec.js';
export { POOL_SPEC, VOLUME_SPEC } from './schema/storage-spec.js';
export { toKiB, toBytes } from './units.js';
export { parseUUID, generateUUID } from './uuid.js';
export { parseCpuSet, formatCpuSet, CPUSET_BITS } from './cpuset.js';
export type { DomainDef, DomainOS, DomainVcpu, DomainVcpuState, LifecycleAction } from './domain/domain-def.js';
export { onlineVcpus, vcpuHotpluggable, type VcpuStateCheck } from './domain/vcpu-states.js';
export { parseDomainXML, domainFromElement, checkDomainName, type DomainBasics, type DomainParseDefaults } from './domain/domain-parse.js';
export { formatDomainXML, domainElement, type DomainFormatOptions } from './domain/domain-format.js';
export { sortDevicesByKind, DEVICE_KIND_ORDER } from './domain/device-order.js';
export { applyGenericPostParse } from './domain/generic-post-parse.js';
export { placeDisks } from './domain/disk-placement.js';
export { parseHostCpuXML, formatGuestCpuXML, type HostCpuDef, type GuestCpuDef } from './cpu/cpu-xml.js';
export { parseDomainStatusXML, formatDomainStatusXML, type DomainStatus } from './domain/domain-status.js';
export type { DomainSnapshotDef, SnapshotMemory } from './snapshot/snapshot-def.js';
export { parseSnapshotXML, snapshotFromElement, formatSnapshotXML, SNAPSHOT_STATES, type SnapshotParseOptions, type SnapshotFormatOptions } from './snapshot/snapshot-xml.js';
export { SNAPSHOT_DISK, snapshotDisks, snapshotDiskElements, type SnapshotDisk } from './snapshot/snapshot-disks.js';
export type { BackingLayer } from './domain/devices/backing-chain.js';
export { DISK_IOTUNE_LIMITS, iotuneConflict, type DiskIotune, type DiskIotuneLimit } from './domain/devices/disk-iotune.js';
export type { NetworkDef, NetworkForwardMode } from './network/network-def.js';
export { parseNetworkXML } from './network/network-parse.js';
export { formatNetworkXML } from './network/network-format.js';
export type { StoragePoolDef } from './storage/pool-def.js';
export { parseStoragePoolXML } from './storage/pool-parse.js';
export { formatStoragePoolXML } from './storage/pool-format.js';
export type { StorageVolDef } from './storage/volume-def.js';
export { parseStorageVolXML, type StorageVolParseOptions } from './storage/volume-parse.js';
export { formatStorageVolXML } from './storage/volume-format.js';
export { newStorageVolDef, type StorageVolFields } from './storage/volume-new.js';
export { poolMountOptions } from './storage/pool-namespace.js';
export { formatPoolSourcesXML } from './storage/pool-sources.js';
export { parseGlusterVolumeNames } from './storage/gluster-volumes.js';
export { POOL_TYPES, POOL_TYPE_NAMES, volumeFormats, type PoolTypeInfo, type PoolSourcePart, type FormatRules } from './storage/pool-types.js';
export { parseCapabilitiesXML, formatCapabilitiesXML, type Capabilities, type CapabilitiesGuest } from './capabilities/capabilities.js';
export { parseNodeConfigXML, formatNodeConfigXML, type NodeConfig } from './node-config.js';
export {
  nodeConfigEntries, nodeConfigFacts, splitPoolVolumes, type NodeConfigEntry, type NodeConfigFacts, type NodeConfigKind,
} from './test-node-config.js';
export { reformatDocument, DOCUMENT_KINDS, SCHEMA_OF, type DocumentKind, type DocumentContext } from './documents.js';
export { validateXML, schemaDir } from './validate/relaxng.js';
export type { InterfaceDef, InterfaceType } from './interface/interface-def.js';
export { parseInterfaceXML } from './interface/interface-parse.js';
export { formatInterfaceXML } from './interface/interface-format.js';
export type { NodeDeviceDef } from './nodedev/nodedev-def.js';
export { parseNodeDeviceXML, formatNodeDeviceXML } from './nodedev/nodedev-xml.js';
export { NODE_DEVICE, newNodeDevice, nodeDeviceFields, withNodeDeviceFields, type NodeDeviceFields } from './nodedev/nodedev-model.js';
export { SECRET_USAGE_TYPES, type SecretDef, type SecretUsageName } from './secret/secret-def.js';
export { parseSecretXML, formatSecretXML } from './secret/secret-xml.js';
export type { Binding, Fields, Model, Shape, Typed } from './model/binding.js';
export type { Codec } from './model/codec.js';
export { DEVICE_MODELS, parseDevice, deviceElement, type DomainDevice, type DeviceKind } from './domain/devices/index.js';
export { DOMAIN_PART_MODELS } from './domain/parts/index.js';
export { PERF_EVENTS } from './domain/parts/perf.js';
export { domainPart, withDomainPart, type DomainPart, type DomainPartKind } from './domain/domain-typed.js';
export { otherPart, setDomainPart, type OtherPartKind } from './domain/domain-part-set.js';
export { domainMetadata, setDomainMetadata } from './domain/domain-metadata.js';
export { TEST_DOMAIN_NAMESPACE, takeTestNamespace, type TestDomainNamespace } from './domain/test-namespace.js';
export type { DomainCheckpointDef, CheckpointDisk } from './checkpoint/checkpoint-def.js';
export { parseCheckpointXML, checkpointFromElement, formatCheckpointXML, type CheckpointParseOptions, type CheckpointFormatOptions } from './checkpoint/checkpoint-xml.js';
export {
  domainDevices, devicesOf, findDevice, addDevice, removeDevice, replaceDevice, editDevice, newDevice, type DeviceOf,
} from './domain/device-edit.js';
export { replaceDevices } from './domain/device-batch.js';
export { setPciAddress, setPciControllerOptions, type PciAddressValue, type PciControllerOptions } from './domain/pci-xml.js';
export { lxcNamespaceShares, LXC_NAMESPACE_SHARES, type LxcNamespaceShare, type LxcNamespaceShareTag } from './domain/lxc-namespace.js';
export { readParts, writeParts, type PartModels, type PartOf } from './model/document-parts.js';
export {
  NETWORK_PART_MODELS, networkPart, networkParts, withNetworkParts, type NetworkPart, type NetworkPartKind,
} from './network/network-parts.js';
export {
  POOL_PART_MODELS, VOLUME_PART_MODELS, poolPart, withPoolPart, volumePart, withVolumePart,
  type PoolPart, type PoolPartKind, type VolumePart, type VolumePartKind,
} from './storage/storage-parts.js';
export { networkSetup, type NetworkSetup, type NetworkIPSetup, type NetworkDHCPRange, type NetworkDHCPHost, type NetworkDNSSetup, type NetworkSRV, type NetworkLease, type NetworkBandwidthSetup } from './network/network-setup.js';
export { parseIP, formatIP, prefixMask, netmaskPrefix, inSubnet, subnetsOverlap, type IPValue } from './network/ip-address.js';
export { updateNetworkDef } from './network/network-update.js';
export { NetworkUpdateCommand, NetworkUpdateSection } from './network/network-update-codes.js';
export { parseNetworkPortXML, formatNetworkPortXML, type NetworkPortDef, type NetworkPortPlug } from './network/network-port.js';
export { liveNetworkDef } from './network/network-live.js';
