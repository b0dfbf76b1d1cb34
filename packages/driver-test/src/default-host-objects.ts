import { newNodeDevice, parseInterfaceXML, parseNetworkXML, type NodeDeviceDef } from '@tsvirt/conf';
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

/** A Fibre Channel SCSI host of test:///default: WWNs `20000000WWN`/`10000000WWN`, making vports or not. */
function scsiHost(name: string, parent: string, host: number, uniqueId: number, wwn: string, fabricWwn: string, vports: boolean): NodeDeviceDef {
  const fc = { type: 'fc_host', wwnn: `20000000${wwn}`, wwpn: `10000000${wwn}`, fabricWwn };
  return newNodeDevice({
    name,
    parent: { name: parent },
    capabilities: [{
      type: 'scsi_host', host: String(host), uniqueId: String(uniqueId),
      capabilities: vports ? [fc, { type: 'vport_ops', maxVports: '0', vports: '0' }] : [fc],
    }],
  });
}

/** test:///default's node devices: the `computer` root and three SCSI hosts on Fibre Channel, as libvirt 9.0's test driver has them. */
const defaultDevices = (): NodeDeviceDef[] => [
  newNodeDevice({
    name: 'computer',
    capabilities: [{
      type: 'system',
      hardware: { vendor: 'Libvirt', version: 'Test driver', serial: '123456', uuid: '11111111-2222-3333-4444-555555555555' },
      firmware: { vendor: 'Libvirt', version: 'Test Driver', releaseDate: '01/22/2007' },
    }],
  }),
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
  host.nodeDevices.seed.set((devices) => devices.list.push(...defaultDevices()));
  host.cells = DEFAULT_CELLS;
}
