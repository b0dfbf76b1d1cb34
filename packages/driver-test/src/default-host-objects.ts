import { parseInterfaceXML, parseNetworkXML, parseNodeDeviceXML } from '@tsvirt/conf';
import { DEFAULT_CELLS } from './host/test-capabilities.js';
import type { TestHost } from './test-host.js';

/** test:///default's network `default`: active, persistent, not autostarted. */
const DEFAULT_NETWORK_XML = `<network>
  <name>default</name>
  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
  <forward mode='nat'/>
  <bridge name='virbr0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>`;

/** test:///default's host interface `eth1`, up. */
const DEFAULT_INTERFACE_XML = `<interface type='ethernet' name='eth1'>
  <start mode='onboot'/>
  <mac address='aa:bb:cc:dd:ee:ff'/>
  <mtu size='1492'/>
  <protocol family='ipv4'>
    <ip address='192.168.0.5' prefix='24'/>
    <route gateway='192.168.0.1'/>
  </protocol>
</interface>`;

function scsiHost(name: string, parent: string, host: number, uniqueId: number, wwn: string, fabric: string, vports: boolean): string {
  return `<device>
  <name>${name}</name>
  <parent>${parent}</parent>
  <capability type='scsi_host'>
    <host>${host}</host>
    <unique_id>${uniqueId}</unique_id>
    <capability type='fc_host'>
      <wwnn>20000000${wwn}</wwnn>
      <wwpn>10000000${wwn}</wwpn>
      <fabric_wwn>${fabric}</fabric_wwn>
    </capability>${vports ? `
    <capability type='vport_ops'>
      <max_vports>0</max_vports>
      <vports>0</vports>
    </capability>` : ''}
  </capability>
</device>`;
}

/** test:///default's node devices: the `computer` root and three SCSI hosts on Fibre Channel. */
const DEFAULT_DEVICE_XMLS = [
  `<device>
  <name>computer</name>
  <capability type='system'>
    <hardware>
      <vendor>Libvirt</vendor>
      <version>Test driver</version>
      <serial>123456</serial>
      <uuid>11111111-2222-3333-4444-555555555555</uuid>
    </hardware>
    <firmware>
      <vendor>Libvirt</vendor>
      <version>Test Driver</version>
      <release_date>01/22/2007</release_date>
    </firmware>
  </capability>
</device>`,
  scsiHost('scsi_host1', 'computer', 1, 0, '12341234', '2000000043214321', true),
  scsiHost('scsi_host2', 'computer', 2, 1, '56785678', '2000000087658765', true),
  scsiHost('scsi_host11', 'scsi_host1', 11, 10, '34563456', '2000000043214321', false),
];

/**
 * Gives test:///default its network, host interface, node devices and NUMA cells, as libvirt's
 * test driver has them; each kind is parsed when first used.
 */
export function addDefaultHostObjects(host: TestHost): void {
  host.networks.seed.set((networks) => networks.load(parseNetworkXML(DEFAULT_NETWORK_XML)));
  host.interfaces.seed.set((interfaces) => interfaces.load(parseInterfaceXML(DEFAULT_INTERFACE_XML)));
  host.nodeDevices.seed.set((devices) => devices.list.push(...DEFAULT_DEVICE_XMLS.map(parseNodeDeviceXML)));
  host.cells = DEFAULT_CELLS;
}
