import type { DeviceOf } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

type Nic = DeviceOf<'interface'>;

/** The tap of a `network`, `bridge` or `ethernet` interface, and on a real start the descriptors the driver opened, by their numbers in QEMU. */
export interface TapArg {
  /** The interface's position among the domain's interfaces. */
  readonly index: number;
  readonly tap: string;
  /** One per queue. */
  readonly fds?: readonly number[] | undefined;
  readonly vhostfds?: readonly number[] | undefined;
}

/**
 * A tap's `-netdev` (or `netdev_add`) properties: the descriptors the driver opened (`fd`, or
 * `fds` joined by `:` for a multiqueue tap, with `vhostfd`/`vhostfds` when vhost-net is used) as
 * libvirt 9.0 passes them, or QEMU opening the tap by name when none were opened. They are
 * numbers on the command line, `getfd` names in hotplug.
 */
export function tapNetdev(id: string, tap: string, fds: readonly string[], vhostfds: readonly string[]): Record<string, unknown> {
  if (fds.length === 0) return { type: 'tap', id, ifname: tap, script: 'no', downscript: 'no' };
  const several = (name: string, v: readonly string[]): Record<string, string> => (v.length > 1 ? { [`${name}s`]: v.join(':') } : { [name]: v[0]! });
  return { type: 'tap', ...several('fd', fds), ...(vhostfds.length > 0 ? { vhost: true, ...several('vhostfd', vhostfds) } : {}), id };
}
type Reconnect = { readonly enabled?: boolean | undefined; readonly timeout?: number | undefined } | undefined;

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/**
 * The `-chardev` of a vhost-user backend's UNIX socket, as libvirt gives it: QEMU listens on it
 * (`server=on`, waiting for the backend) or connects to it, reconnecting after a timeout when asked.
 */
export function vhostUserChardev(id: string, path: string, server: boolean, reconnect: Reconnect): string {
  const again = reconnect?.enabled === true && reconnect.timeout !== undefined ? `,reconnect=${reconnect.timeout}` : '';
  return `socket,id=${id},path=${path.replaceAll(',', ',,')}${server ? ',server=on' : ''}${again}`;
}

const hostPort = (address: string | undefined, port: number | undefined): string => `${address ?? ''}:${port ?? ''}`;

/** The `-netdev` of a socket interface: QEMU listens, connects, joins a multicast group or sends UDP datagrams. */
function socketNetdev(nic: Nic, id: string): Record<string, unknown> {
  const s = nic.source;
  const at = hostPort(s?.address, s?.port);
  switch (nic.type) {
    case 'server': return { type: 'socket', listen: at, id };
    case 'client': return { type: 'socket', connect: at, id };
    case 'mcast': return { type: 'socket', mcast: at, id };
    default: return { type: 'socket', udp: at, localaddr: hostPort(s?.local?.address, s?.local?.port), id };
  }
}

/**
 * What goes before an interface's `-device`: for vhost-user its socket's `-chardev` (`charnetN`)
 * and a vhost-user `-netdev`; user networking; a tap the driver opened; a socket.
 */
export function netdevArgs(nic: Nic, ids: { device: string; netdev: string }, tap: TapArg | undefined): string[] {
  const { device, netdev: id } = ids;
  switch (nic.type) {
    case 'vhostuser': {
      if (nic.source?.type !== 'unix' || nic.source.path === undefined) throw unsupported(`vhostuser interface '${id}' needs a UNIX socket`);
      const queues = nic.driver?.queues !== undefined && nic.driver.queues > 1 ? { queues: nic.driver.queues } : {};
      const chardev = `char${device}`;
      return [
        '-chardev', vhostUserChardev(chardev, nic.source.path, nic.source.mode === 'server', nic.source.reconnect),
        '-netdev', JSON.stringify({ type: 'vhost-user', chardev, ...queues, id }),
      ];
    }
    case 'user':
      return ['-netdev', JSON.stringify({ type: 'user', id })];
    case 'server':
    case 'client':
    case 'mcast':
    case 'udp':
      return ['-netdev', JSON.stringify(socketNetdev(nic, id))];
    default:
      if ((nic.type === 'network' || nic.type === 'bridge' || nic.type === 'ethernet') && tap !== undefined) {
        return ['-netdev', JSON.stringify(tapNetdev(id, tap.tap, (tap.fds ?? []).map(String), (tap.vhostfds ?? []).map(String)))];
      }
      throw unsupported(`interface type '${nic.type}' is not supported by this driver yet`);
  }
}
