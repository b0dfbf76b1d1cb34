import { at, attr, child, list, model } from '../../model/binding.js';
import { oneOf, onOff, uint, yesNo } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { IP_ADDRESSES, IP_ROUTES } from './ip-config.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

const BANDWIDTH_LIMIT = { average: attr('average', uint), peak: attr('peak', uint), burst: attr('burst', uint), floor: attr('floor', uint) };

/** `<interface>`: a network card of the guest and what it is plugged into. */
export const INTERFACE = model('interface', () => ({
  type: attr('type', oneOf('bridge', 'ethernet', 'vhostuser', 'network', 'direct', 'user', 'internal', 'mcast', 'client', 'udp', 'server', 'hostdev', 'vdpa', 'null', 'vds')),
  managed: attr('managed', yesNo),
  trustGuestRxFilters: attr('trustGuestRxFilters', yesNo),
  mac: at('mac', attr('address')),
  source: child('source', {
    network: attr('network'),
    portgroup: attr('portgroup'),
    bridge: attr('bridge'),
    dev: attr('dev'),
    mode: attr('mode'),
    type: attr('type'),
    path: attr('path'),
    address: attr('address'),
    port: attr('port', uint),
    local: child('local', { address: attr('address'), port: attr('port', uint) }),
    /** A vhost-user client's reconnection to its backend. */
    reconnect: child('reconnect', { enabled: attr('enabled', yesNo), timeout: attr('timeout', uint) }),
  }),
  target: child('target', { dev: attr('dev'), managed: attr('managed', yesNo) }),
  model: at('model', attr('type')),
  driver: child('driver', {
    name: attr('name', oneOf('kvm', 'vfio', 'xen', 'qemu', 'vhost')),
    txmode: attr('txmode', oneOf('iothread', 'timer')),
    ioeventfd: attr('ioeventfd', onOff),
    eventIdx: attr('event_idx', onOff),
    queues: attr('queues', uint),
    rxQueueSize: attr('rx_queue_size', uint),
    txQueueSize: attr('tx_queue_size', uint),
    rss: attr('rss', onOff),
    rssHashReport: attr('rss_hash_report', onOff),
    ...VIRTIO_OPTIONS,
  }),
  backend: child('backend', { tap: attr('tap'), vhost: attr('vhost'), type: attr('type') }),
  virtualport: child('virtualport', { type: attr('type') }),
  bandwidth: child('bandwidth', { inbound: child('inbound', BANDWIDTH_LIMIT), outbound: child('outbound', BANDWIDTH_LIMIT) }),
  vlan: child('vlan', { trunk: attr('trunk', yesNo), tags: list('tag', { id: attr('id', uint), nativeMode: attr('nativeMode') }) }),
  ips: IP_ADDRESSES,
  routes: IP_ROUTES,
  script: at('script', attr('path')),
  guestDev: at('guest', attr('dev')),
  linkState: at('link', attr('state', oneOf('default', 'up', 'down'))),
  mtu: at('mtu', attr('size', uint)),
  filterref: at('filterref', attr('filter')),
  ...DEVICE_INFO,
}));
