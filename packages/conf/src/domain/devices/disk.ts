import { at, attr, child, childText, flag, list, model } from '../../model/binding.js';
import { oneOf, onOff, uint, yesNo } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { DISK_IOTUNE } from './disk-iotune.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';
import { backingChain } from './backing-chain.js';

/** `<auth>` of a network disk source: a user and the secret that holds the password. */
const AUTH = child('auth', {
  username: attr('username'),
  secret: child('secret', { type: attr('type'), usage: attr('usage'), uuid: attr('uuid') }),
});

/**
 * `<source>` of a disk, for every source type: `file` (file), `block` (dev), `dir` (dir),
 * `network` (protocol, name, hosts, auth), `volume` (pool, volume, mode), `nvme` (type, managed,
 * namespace, address) and `vhostuser` (type, path).
 */
export const DISK_SOURCE = child('source', {
  file: attr('file'),
  /** The group of descriptors the file is opened through (virDomainFDAssociate), instead of its path. */
  fdgroup: attr('fdgroup'),
  dev: attr('dev'),
  dir: attr('dir'),
  protocol: attr('protocol', oneOf('rbd', 'iscsi', 'https', 'http', 'ftps', 'ftp', 'sheepdog', 'tftp', 'nbd', 'gluster', 'vxhs', 'nfs', 'ssh')),
  name: attr('name'),
  query: attr('query'),
  tls: attr('tls', yesNo),
  pool: attr('pool'),
  volume: attr('volume'),
  mode: attr('mode'),
  type: attr('type'),
  path: attr('path'),
  managed: attr('managed', yesNo),
  namespace: attr('namespace', uint),
  index: attr('index', uint),
  startupPolicy: attr('startupPolicy', oneOf('mandatory', 'requisite', 'optional')),
  hosts: list('host', { name: attr('name'), port: attr('port'), transport: attr('transport', oneOf('tcp', 'unix', 'rdma')), socket: attr('socket') }),
  auth: AUTH,
  address: DEVICE_INFO.address,
  reservations: child('reservations', { enabled: attr('enabled', yesNo), managed: attr('managed', yesNo) }),
  encryptionFormat: at('encryption', attr('format')),
  encryptionEngine: at('encryption', attr('engine', oneOf('default', 'qemu', 'librbd'))),
  encryptionCipher: at('encryption', at('cipher', attr('name'))),
  // Network sources: TLS, an iSCSI initiator, RBD's config and snapshot, curl's options.
  tlsHostname: attr('tlsHostname'),
  initiatorIqn: at('initiator', at('iqn', attr('name'))),
  config: at('config', attr('file')),
  snapshotName: at('snapshot', attr('name')),
  sslVerify: at('ssl', attr('verify', yesNo)),
  cookies: flag('cookies'),
  readahead: at('readahead', attr('size', uint)),
  timeout: at('timeout', attr('seconds', uint)),
  /** A vhost-user disk's reconnection to its backend. */
  reconnect: child('reconnect', { enabled: attr('enabled', yesNo), timeout: attr('timeout', uint) }),
});

/** `<disk>`: a block device of the guest, whatever backs it. */
export const DISK = model('disk', () => ({
  type: attr('type', oneOf('file', 'block', 'dir', 'network', 'volume', 'nvme', 'vhostuser')),
  device: attr('device', oneOf('disk', 'cdrom', 'floppy', 'lun')),
  model: attr('model', oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
  sgio: attr('sgio', oneOf('filtered', 'unfiltered')),
  rawio: attr('rawio', yesNo),
  snapshot: attr('snapshot', oneOf('default', 'no', 'internal', 'external', 'manual')),
  driver: child('driver', {
    name: attr('name'),
    type: attr('type'),
    cache: attr('cache', oneOf('default', 'none', 'writethrough', 'writeback', 'directsync', 'unsafe')),
    io: attr('io', oneOf('default', 'native', 'threads', 'io_uring')),
    errorPolicy: attr('error_policy', oneOf('default', 'stop', 'report', 'ignore', 'enospace')),
    rerrorPolicy: attr('rerror_policy', oneOf('default', 'stop', 'report', 'ignore', 'enospace')),
    discard: attr('discard', oneOf('default', 'unmap', 'ignore')),
    detectZeroes: attr('detect_zeroes', oneOf('default', 'off', 'on', 'unmap')),
    copyOnRead: attr('copy_on_read', onOff),
    iothread: attr('iothread', uint),
    queues: attr('queues', uint),
    queueSize: attr('queue_size', uint),
    ioeventfd: attr('ioeventfd', onOff),
    eventIdx: attr('event_idx', onOff),
    ...VIRTIO_OPTIONS,
  }),
  source: DISK_SOURCE,
  // The images below the source (live XML: each with its index, the last followed by an empty one).
  backingStore: backingChain(),
  // A block copy or active commit in flight (live XML only): where the disk is being copied to.
  mirror: child('mirror', {
    type: attr('type'), file: attr('file'), format: attr('format'), job: attr('job'), ready: attr('ready'),
    formatType: at('format', attr('type')), sourceFile: at('source', attr('file')), sourceDev: at('source', attr('dev')),
  }),
  target: child('target', {
    dev: attr('dev'),
    bus: attr('bus', oneOf('ide', 'fdc', 'scsi', 'virtio', 'xen', 'usb', 'uml', 'sata', 'sd')),
    tray: attr('tray', oneOf('open', 'closed')),
    removable: attr('removable', onOff),
    rotationRate: attr('rotation_rate', uint),
  }),
  readonly: flag('readonly'),
  shareable: flag('shareable'),
  transient: flag('transient'),
  serial: childText('serial'),
  wwn: childText('wwn'),
  vendor: childText('vendor'),
  product: childText('product'),
  blockio: child('blockio', { logicalBlockSize: attr('logical_block_size', uint), physicalBlockSize: attr('physical_block_size', uint) }),
  iotune: DISK_IOTUNE,
  geometry: child('geometry', { cyls: attr('cyls', uint), heads: attr('heads', uint), secs: attr('secs', uint), trans: attr('trans') }),
  encryptionFormat: at('encryption', attr('format')),
  encryptionEngine: at('encryption', attr('engine', oneOf('default', 'qemu', 'librbd'))),
  encryptionCipher: at('encryption', at('cipher', attr('name'))),
  // The older place of a network source's `<auth>`, beside `<source>`.
  auth: AUTH,
  ...DEVICE_INFO,
}));
