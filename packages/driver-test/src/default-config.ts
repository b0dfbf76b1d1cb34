import type { NodeInfo } from '@tsvirt/api';

/** The domain libvirt's test driver starts with in `test:///default`, id 1, running. */
export const DEFAULT_DOMAIN_XML = `<domain type='test'>
  <name>test</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <memory unit='KiB'>8388608</memory>
  <currentMemory unit='KiB'>2097152</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='i686'>hvm</type>
    <boot dev='hd'/>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <source file='/guest/diskimage1'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </disk>
    <interface type='network'>
      <mac address='aa:bb:cc:dd:ee:ff'/>
      <source network='default'/>
      <target dev='testnet0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
    </interface>
    <memballoon model='virtio'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </memballoon>
  </devices>
</domain>
`;

/** The host the test driver pretends to be. */
export const DEFAULT_NODE_INFO: NodeInfo = {
  model: 'i686',
  memory: 3145728n,
  cpus: 16,
  mhz: 1400,
  nodes: 2,
  sockets: 2,
  cores: 2,
  threads: 2,
};

/** `virsh version` shows this as "TEST 0.0.2". */
export const TEST_HYPERVISOR_VERSION = 2;
/** Guest architecture of the test driver's only capability. */
export const TEST_ARCH = 'i686';
export const SECURITY_MODEL = { model: 'testSecurity', doi: '' } as const;
export const SECURITY_LABEL = 'libvirt-test';
