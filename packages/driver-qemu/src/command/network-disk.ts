import type { DeviceOf } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { JsonProps } from './disk-props.js';

type Source = NonNullable<DeviceOf<'disk'>['source']>;
type Host = NonNullable<Source['hosts']>[number];

/** The port each protocol listens on when a `<host>` names none. */
const DEFAULT_PORTS: Record<string, number> = {
  nbd: 10809, rbd: 6789, iscsi: 3260, gluster: 24007, http: 80, https: 443, ftp: 21, ftps: 990, tftp: 69, ssh: 22,
};

/** Gluster's log level, libvirt's `gluster_debug_level` default. */
const GLUSTER_DEBUG_LEVEL = 4;

/** The kind of secret each protocol's authentication takes. */
const SECRET_USAGE: Record<string, string> = { iscsi: 'iscsi', rbd: 'ceph' };

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

const portOf = (protocol: string, h: Pick<Host, 'port'> | undefined): string => h?.port ?? String(DEFAULT_PORTS[protocol] ?? 0);

/** A host as QEMU's SocketAddress: a UNIX socket, or a host name and port. */
function socketAddress(protocol: string, h: Host): JsonProps {
  if (h.transport === 'unix') return { type: 'unix', path: h.socket };
  return { type: 'inet', host: h.name, port: portOf(protocol, h) };
}

/** `a/b/c` split at its first slash. */
function splitFirst(name: string): [string, string] {
  const at = name.indexOf('/');
  return at < 0 ? [name, ''] : [name.slice(0, at), name.slice(at + 1)];
}

/** The curl drivers' URL: protocol, host and port, then the image's path and query. */
function curlProps(protocol: string, s: Source, host: Host | undefined): JsonProps {
  if (s.cookies) throw unsupported(`cookies of a '${protocol}' disk are not supported by this driver yet`);
  const path = (s.name ?? '').replace(/^\/?/, '/');
  const url = `${protocol}://${host?.name ?? ''}:${portOf(protocol, host)}${path}${s.query ? `?${s.query}` : ''}`;
  return {
    url, ...(s.sslVerify !== undefined ? { sslverify: s.sslVerify } : {}),
    ...(s.timeout !== undefined ? { timeout: s.timeout } : {}), ...(s.readahead !== undefined ? { readahead: s.readahead } : {}),
  };
}

/** The iSCSI target and LUN of `iqn/lun`, and the portal `host:port` (an IPv6 address in brackets). */
export function iscsiProps(s: Pick<Source, 'name' | 'initiatorIqn'>, host: Pick<Host, 'name' | 'port' | 'transport'> | undefined): JsonProps {
  const name = s.name ?? '';
  const slash = name.lastIndexOf('/');
  const lun = slash < 0 ? 0 : Number(name.slice(slash + 1));
  const h = host?.name ?? '';
  return {
    portal: `${h.includes(':') ? `[${h}]` : h}:${portOf('iscsi', host)}`, target: slash < 0 ? name : name.slice(0, slash), lun,
    transport: host?.transport === 'rdma' ? 'iser' : 'tcp', ...(s.initiatorIqn !== undefined ? { 'initiator-name': s.initiatorIqn } : {}),
  };
}

/**
 * The protocol layer of a network disk as libvirt 9 gives it to `-blockdev`: nbd, gluster, rbd,
 * iSCSI and the curl protocols. Authentication, TLS and RBD's config files need secrets and
 * objects of their own and are refused.
 */
export function networkStorageProps(disk: DeviceOf<'disk'>): JsonProps {
  const s = disk.source ?? {};
  const protocol = s.protocol ?? '';
  if (disk.auth && s.auth) throw unsupported('an <auth> definition already found for disk source');
  const auth = s.auth ?? disk.auth;
  if (auth) {
    const type = auth.secret?.type;
    if (type !== 'iscsi' && type !== 'ceph') throw unsupported(`unknown secret type '${type ?? '<null>'}'`);
    if (SECRET_USAGE[protocol] !== undefined && SECRET_USAGE[protocol] !== type) throw unsupported(`invalid secret type '${type}'`);
    throw unsupported(`authentication of a '${protocol}' disk is not supported by this driver yet`);
  }
  if (s.tls) throw unsupported(`TLS for a '${protocol}' disk is not supported by this driver yet`);
  const hosts = s.hosts ?? [];
  const host = hosts[0];
  switch (protocol) {
    case 'nbd':
      if (!host) throw unsupported("an 'nbd' disk needs a host");
      return { driver: 'nbd', server: socketAddress('nbd', host), ...(s.name ? { export: s.name } : {}) };
    case 'gluster': {
      const [volume, path] = splitFirst(s.name ?? '');
      return { driver: 'gluster', volume, path, server: hosts.map((h) => socketAddress('gluster', h)), debug: GLUSTER_DEBUG_LEVEL };
    }
    case 'rbd': {
      if (s.config !== undefined || s.snapshotName !== undefined) throw unsupported("an 'rbd' disk's config file or snapshot is not supported by this driver yet");
      const [pool, image] = splitFirst(s.name ?? '');
      return { driver: 'rbd', pool, image, ...(hosts.length ? { server: hosts.map((h) => ({ host: h.name, port: portOf('rbd', h) })) } : {}) };
    }
    case 'iscsi':
      return { driver: 'iscsi', ...iscsiProps(s, host) };
    case 'http':
    case 'https':
    case 'ftp':
    case 'ftps':
      return { driver: protocol, ...curlProps(protocol, s, host) };
    default:
      throw unsupported(`disk protocol '${protocol}' is not supported by this driver yet`);
  }
}
