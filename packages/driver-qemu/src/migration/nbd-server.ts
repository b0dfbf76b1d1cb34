import { DomainMigrateParam as MP, type TypedParameter } from '@tsvirt/api';
import { parseDomainXML } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf } from '../devices/qemu-disk.js';
import { diskChain } from '../blockjob/block-chain.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { numberParam, stringParam } from './migration-flags.js';
import { freeMigrationPort } from './migration-port.js';
import { checkCopyable, copiesDisk, driveName } from './storage-disks.js';

const D = ErrorDomain.QEMU;
const invalid = (msg: string): VirError => new VirError(ErrorCode.INVALID_ARG, msg, D);

/** Where the destination's NBD server listens: a TCP host and port, or a UNIX socket. */
export type NbdAddress = { readonly host: string; readonly port: number } | { readonly socket: string };

/**
 * The NBD server's address from DISKS_URI (`tcp://HOST[:PORT]`, `unix:///PATH`), else DISKS_PORT
 * on the migration's host, else port 0 (one of libvirt's migration range, chosen at start).
 */
export function nbdAddress(params: readonly TypedParameter[], listenHost: string): NbdAddress {
  const uri = stringParam(params, MP.DISKS_URI);
  if (uri !== undefined) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1];
    if (!scheme) throw invalid(`No URI scheme specified: ${uri}`);
    if (scheme === 'tcp') {
      const m = /^tcp:\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?\/?$/.exec(uri);
      if (!m?.[1]) throw invalid(`URI with tcp scheme did not provide a server part: ${uri}`);
      return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2] ?? 0) };
    }
    if (scheme === 'unix') {
      const path = /^unix:(?:\/\/)?(\/.*)$/.exec(uri)?.[1];
      if (!path) throw invalid('UNIX disks URI does not include path');
      return { socket: path };
    }
    throw invalid(`Unsupported scheme in disks URI: ${scheme}`);
  }
  const port = numberParam(params, MP.DISKS_PORT) ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('nbd port must be in range 0-65535');
  return { host: listenHost, port };
}

/** QEMU's legacy socket address of `nbd-server-start`. */
function serverAddr(a: NbdAddress): Record<string, unknown> {
  return 'socket' in a ? { type: 'unix', data: { path: a.socket } } : { type: 'inet', data: { host: a.host, port: String(a.port) } };
}

/**
 * qemuMigrationDstStartNBDServer: `nbd-server-start` on the address (a free port of libvirt's
 * migration range when none was given), then a writable export named `drive-ALIAS` of each disk
 * the source copies (`block-export-add`, as libvirt 9.0 with QEMU 7.2). Answers the address used.
 */
export async function startNbdServer(mon: QmpClient, liveXml: string, named: readonly string[], addr: NbdAddress): Promise<NbdAddress> {
  const disks = disksOf(parseDomainXML(liveXml, { arch: GUEST_ARCH }).devices).filter((d) => copiesDisk(d, named));
  disks.forEach(checkCopyable);
  if (disks.length === 0) return addr;
  let used = addr;
  if (!('socket' in addr) && addr.port === 0) {
    const port = await freeMigrationPort(addr.host);
    if (port === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, "Unable to find an unused port in range 'migration' (49152-49215)", D);
    used = { host: addr.host, port };
  }
  await mon.execute('nbd-server-start', { addr: serverAddr(used) });
  try {
    for (const d of disks) {
      const node = (await diskChain(mon, d.alias!))[0]!.node;
      await mon.execute('block-export-add', { type: 'nbd', id: `libvirt-nbd-${node}`, 'node-name': node, writable: true, name: driveName(d.alias!) });
    }
  } catch (e) {
    await stopNbdServer(mon);
    throw e;
  }
  return used;
}

/** qemuMigrationDstStopNBDServer: the server and its exports go (a failure only logged, as libvirt warns). */
export async function stopNbdServer(mon: QmpClient): Promise<void> {
  await mon.execute('nbd-server-stop').catch(() => undefined);
}

/** The host of a migration URI (`tcp:HOST:PORT`, `tcp://[V6]:PORT`): where the NBD server listens or is reached. */
export function migrationHost(uri: string): string {
  const m = /^tcp:(?:\/\/)?(\[[^\]]*\]|[^:/]+)/.exec(uri);
  if (!m?.[1]) throw new VirError(ErrorCode.INTERNAL_ERROR, `missing host in migration URI: ${uri}`, D);
  return m[1].replace(/^\[|\]$/g, '');
}
