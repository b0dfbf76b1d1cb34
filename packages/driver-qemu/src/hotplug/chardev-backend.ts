/**
 * A character device's host side as QMP's `chardev-add` takes it (ChardevBackend), for the
 * chardevs plugged live: the same host side `-chardev` gives at start (`command/chardev-host.ts`),
 * in QMP's structured form.
 */
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { Chardev } from '../command/chardev-host.js';

/** The host side of a chardev, an egd RNG backend's too (its shape, without a log). */
export type ChardevHost = Pick<Chardev, 'sources' | 'protocol'> & Partial<Pick<Chardev, 'log'>> & { readonly type?: string };

/** QMP's ChardevBackend: its type and that type's data. */
export interface QmpChardevBackend {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** What the device around a chardev decides: SPICE's channel (a redirdev's is `usbredir`). */
export interface ChardevPlace {
  readonly spiceChannel?: string;
}

const inet = (host: string | undefined, port: string | undefined): Record<string, unknown> => ({ type: 'inet', data: { host: host ?? '', port: port ?? '' } });
const unix = (path: string): Record<string, unknown> => ({ type: 'unix', data: { path } });

const missingPath = (id: string): VirError => new VirError(ErrorCode.XML_ERROR, `missing source path for character device '${id}'`, ErrorDomain.DOMAIN);

/** The type and data of the host side, before the log every backend may have. */
function backendOf(c: ChardevHost, id: string, { spiceChannel = 'vdagent' }: ChardevPlace): QmpChardevBackend {
  const type = c.type ?? 'pty';
  const source = c.sources?.[0];
  const path = source?.path;
  switch (type) {
    case 'pty': case 'null': case 'vc':
      return { type, data: {} };
    case 'file':
      if (!path) throw missingPath(id);
      return { type: 'file', data: { out: path, ...(source?.append ? { append: source.append === 'on' } : {}) } };
    case 'dev':
      if (!path) throw missingPath(id);
      return { type: 'serial', data: { device: path } };
    case 'unix':
      if (!path) throw missingPath(id);
      return { type: 'socket', data: { addr: unix(path), ...(source?.mode === 'connect' ? { server: false } : { server: true, wait: false }) } };
    case 'tcp': {
      const server = source?.mode === 'bind' ? { server: true, wait: false } : { server: false };
      return { type: 'socket', data: { addr: inet(source?.host, source?.service), ...server, ...(c.protocol === 'telnet' ? { telnet: true } : {}) } };
    }
    case 'udp': {
      const bind = c.sources?.find((x) => x.mode === 'bind');
      const peer = c.sources?.find((x) => x.mode !== 'bind');
      return { type: 'udp', data: { remote: inet(peer?.host, peer?.service), local: inet(bind?.host, bind?.service || '0') } };
    }
    case 'spicevmc':
      return { type: 'spicevmc', data: { type: spiceChannel } };
    default:
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `live attach of a character device of type '${type}' is not supported by this driver yet`, ErrorDomain.QEMU);
  }
}

/** `chardev-add`'s arguments for the chardev `id` of `c` (a `<log>` as QEMU's logfile of it). */
export function chardevAddArgs(c: ChardevHost, id: string, place: ChardevPlace = {}): { id: string; backend: QmpChardevBackend } {
  const backend = backendOf(c, id, place);
  const log = c.log?.file === undefined ? {} : { logfile: c.log.file, ...(c.log.append ? { logappend: c.log.append === 'on' } : {}) };
  return { id, backend: { type: backend.type, data: { ...backend.data, ...log } } };
}
