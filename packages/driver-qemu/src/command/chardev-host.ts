/**
 * The host side of a character device on QEMU's command line (`-chardev`), as libvirt 9.0 writes
 * it. On a real start the driver opens what QEMU would otherwise open by path and passes it:
 * UNIX sockets QEMU serves as listening descriptors (`fd=N`), files written to (the output of a
 * `file` chardev, any chardev's `<log>`) as fd sets (`-add-fd`, then `/dev/fdset/N`).
 */
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DeviceOf } from '../devices/typed-devices.js';

/** A character device as conf types it (all four kinds share one shape): its host side, address and target. */
export type Chardev = Omit<DeviceOf<'serial'>, 'kind'>;
/** The host side of a character device (an egd RNG backend's is the same shape, without a log). */
type ChardevHost = Pick<Chardev, 'sources' | 'protocol'> & Partial<Pick<Chardev, 'log'>> & { readonly type?: string };

/** What a chardev writes to a file: its output (`source`) or its `<log>`; libvirt names the fd set after it. */
type FileRole = 'source' | 'log';

/** What a real start opens for QEMU and passes, as libvirt does; without it (a pretend start, domxml-to-native) QEMU opens the paths. */
export interface HostFds {
  /** Makes the listening UNIX socket at `path`; answers the number QEMU knows it by. */
  listen(path: string): number;
  /** Opens a file QEMU writes (a chardev's output or its log; appended to, or truncated); answers the fd set QEMU finds it in and its number. */
  file(path: string, append: boolean, role: FileRole): { readonly set: number; readonly fd: number };
}

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

const missingPath = (what: string, id: string): VirError =>
  new VirError(ErrorCode.XML_ERROR, `missing source path for ${what}character device '${id}'`, ErrorDomain.DOMAIN);

const escaped = (path: string): string => path.replaceAll(',', ',,');

/** Where QEMU serves a UNIX socket: the passed descriptor, or the path it makes. */
export const listenAt = (path: string, fds: Pick<HostFds, 'listen'> | undefined): string => (fds ? `fd=${fds.listen(path)}` : `path=${escaped(path)}`);

/**
 * A file QEMU writes to: `-add-fd` of the descriptor the driver opened (named `ALIAS-ROLE`, as
 * libvirt names it) and `/dev/fdset/N`, always appended to (the open did the truncation); or the
 * path, with QEMU's append option when the definition gives one.
 */
function fileAt(path: string, append: 'on' | 'off' | undefined, alias: string, role: FileRole, fds: HostFds | undefined): { addFd: string[]; path: string; append: string } {
  if (!fds) return { addFd: [], path: escaped(path), append: append ?? '' };
  const { set, fd } = fds.file(path, append === 'on', role);
  return { addFd: ['-add-fd', `set=${set},fd=${fd},opaque=${alias}-${role}`], path: `/dev/fdset/${set}`, append: 'on' };
}

/** The backend options of a character device's host side; `addFd` collects the fd sets it needs first. */
function backend(c: ChardevHost, id: string, alias: string, fds: HostFds | undefined, hostDevice: 'serial' | 'parallel', defaultPath: string | undefined, addFd: string[]): string {
  const type = c.type ?? 'pty';
  const source = c.sources?.[0];
  const path = source?.path ?? defaultPath;
  switch (type) {
    case 'spicevmc':
      return `spicevmc,id=${id},name=vdagent`;
    case 'qemu-vdagent': {
      // QEMU's own SPICE agent: clipboard sharing and the mouse in client mode, when the source says.
      const clipboard = source?.clipboard === undefined ? '' : `,clipboard=${source.clipboard ? 'on' : 'off'}`;
      const mouse = source?.mouse === undefined ? '' : `,mouse=${source.mouse === 'client' ? 'on' : 'off'}`;
      return `qemu-vdagent,id=${id},name=vdagent${clipboard}${mouse}`;
    }
    case 'pty':
      return `pty,id=${id}`;
    case 'file': {
      if (!path) throw missingPath('file ', id);
      const out = fileAt(path, source?.append, alias, 'source', fds);
      addFd.push(...out.addFd);
      return `file,id=${id},path=${out.path}${out.append ? `,append=${out.append}` : ''}`;
    }
    case 'unix': {
      if (!path) throw missingPath('unix ', id);
      if (source?.mode === 'connect') return `socket,id=${id},path=${escaped(path)}`;
      return `socket,id=${id},${listenAt(path, fds)},server=on,wait=off`;
    }
    case 'null':
    case 'vc':
      return `${type},id=${id}`;
    case 'dev':
      if (!path) throw missingPath('', id);
      return `${hostDevice},id=${id},path=${escaped(path)}`;
    case 'tcp': {
      const telnet = c.protocol === 'telnet' ? ',telnet=on' : '';
      return `socket,id=${id},host=${source?.host ?? ''},port=${source?.service ?? ''}${telnet}${source?.mode === 'bind' ? ',server=on,wait=off' : ''}`;
    }
    case 'udp': {
      const bind = c.sources?.find((x) => x.mode === 'bind');
      const peer = c.sources?.find((x) => x.mode !== 'bind');
      return `udp,id=${id},host=${peer?.host ?? ''},port=${peer?.service ?? ''},localaddr=${bind?.host ?? ''},localport=${bind?.service || '0'}`;
    }
    default:
      throw unsupported(`character device type '${type}'`);
  }
}

/**
 * `-chardev` (after the `-add-fd` of the files it writes) of a character device's host side; its
 * id is `char` + the device's alias. A `<log>` is QEMU's logfile of the chardev.
 */
export function chardevArgs(c: ChardevHost, id: string, fds: HostFds | undefined, hostDevice: 'serial' | 'parallel' = 'serial', defaultPath?: string): string[] {
  const alias = id.replace(/^char/, '');
  const addFd: string[] = [];
  let arg = backend(c, id, alias, fds, hostDevice, defaultPath, addFd);
  if (c.log?.file !== undefined) {
    const log = fileAt(c.log.file, c.log.append, alias, 'log', fds);
    addFd.push(...log.addFd);
    arg += `,logfile=${log.path}${log.append ? `,logappend=${log.append}` : ''}`;
  }
  return [...addFd, '-chardev', arg];
}
