import { at, attr, child, childText, flag, list, model } from '../../model/binding.js';
import { oneOf, uint, yesNo } from '../../model/codec.js';
import { ADDRESS, DEVICE_INFO } from './device-info.js';
import { IP_ADDRESSES, IP_ROUTES } from './ip-config.js';

/** `<hostdev>`: a host device given to the guest: a PCI function, a USB device, a SCSI LUN, ... */
export const HOSTDEV = model('hostdev', () => ({
  mode: attr('mode', oneOf('subsystem', 'capabilities')),
  type: attr('type'),
  managed: attr('managed', yesNo),
  sgio: attr('sgio', oneOf('filtered', 'unfiltered')),
  rawio: attr('rawio', yesNo),
  model: attr('model'),
  display: attr('display', oneOf('on', 'off')),
  ramfb: attr('ramfb', oneOf('on', 'off')),
  source: child('source', {
    protocol: attr('protocol', oneOf('iscsi', 'vhost')),
    name: attr('name'),
    startupPolicy: attr('startupPolicy', oneOf('mandatory', 'requisite', 'optional')),
    writeFiltering: attr('writeFiltering', yesNo),
    guestReset: attr('guestReset', oneOf('default', 'off', 'uninitialized', 'on')),
    address: ADDRESS,
    /** type='mdev': the mediated device's UUID. */
    mdevUuid: at('address', attr('uuid')),
    adapter: at('adapter', attr('name')),
    vendor: at('vendor', attr('id', uint)),
    product: at('product', attr('id', uint)),
    wwpn: at('wwpn', attr('wwpn')),
    /** protocol='iscsi': the portal, the initiator's IQN and the CHAP user with the secret of its password. */
    hosts: list('host', { name: attr('name'), port: attr('port') }),
    initiatorIqn: at('initiator', at('iqn', attr('name'))),
    auth: child('auth', {
      username: attr('username'),
      secret: child('secret', { type: attr('type'), usage: attr('usage'), uuid: attr('uuid') }),
    }),
    /** mode='capabilities' (LXC): the host's block device, character device or network interface. */
    block: childText('block'),
    char: childText('char'),
    interface: childText('interface'),
  }),
  /** type='net' in mode='capabilities': the addresses and routes the interface gets in the container. */
  ips: IP_ADDRESSES,
  routes: IP_ROUTES,
  driver: at('driver', attr('name', oneOf('kvm', 'vfio', 'xen'))),
  readonly: flag('readonly'),
  shareable: flag('shareable'),
  ...DEVICE_INFO,
}));
