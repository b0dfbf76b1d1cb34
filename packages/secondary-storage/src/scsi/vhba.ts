import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PoolPart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, sysfsPath, systemError } from '@tsvirt/util';
import { hostNumber } from './scsi-lus.js';

/** A pool's `<adapter>`, as conf reads it. */
export type Adapter = NonNullable<PoolPart<'source'>['adapter']>;
/** An `fc_host` adapter: conf checked that it names its port (wwnn, wwpn). */
export type FcAdapter = Adapter & { readonly wwnn: string; readonly wwpn: string };

/** How long a new vHBA may take to appear in sysfs (libvirt waits for udev to settle). */
const APPEAR_MS = 2000;
const POLL_MS = 20;

const fcHosts = (): string => sysfsPath('class/fc_host');
const hostDir = (class_: 'fc_host' | 'scsi_host', host: number): string => sysfsPath(`class/${class_}/host${host}`);

/** An FC host's sysfs attribute, without its newline and `0x`; undefined when it has none. */
function fcAttr(name: string, attr: string): string | undefined {
  try {
    return readFileSync(join(fcHosts(), name, attr), 'utf8').split('\n')[0]!.replace(/^0x/, '');
  } catch {
    return undefined;
  }
}

/** The FC hosts (`hostN`) in sysfs, in name order. */
function fcHostNames(): string[] {
  try {
    return readdirSync(fcHosts()).sort();
  } catch {
    return [];
  }
}

/** The FC host (`hostN`) whose ports are named `wwnn` and `wwpn`, an HBA or a vHBA; undefined when none is. */
export function hostByWWN(wwnn: string, wwpn: string): string | undefined {
  return fcHostNames().find((h) => fcAttr(h, 'node_name') === wwnn && fcAttr(h, 'port_name') === wwpn);
}

/** Whether an FC host can make vports (only an NPIV-capable HBA has `vport_create`). */
function vportCapable(name: string): boolean {
  return existsSync(join(fcHosts(), name, 'vport_create')) || existsSync(sysfsPath(`class/scsi_host/${name}/vport_create`));
}

/** The first online, vport-capable FC host with vports to spare (how libvirt picks a parent none was named for). */
function freeVportHost(): string | undefined {
  return fcHostNames().find((h) => {
    if (fcAttr(h, 'port_state') !== 'Online') return false;
    const [max, used] = [Number(fcAttr(h, 'max_npiv_vports')), Number(fcAttr(h, 'npiv_vports_inuse'))];
    return Number.isInteger(max) && Number.isInteger(used) && max > used;
  });
}

/** The vport-capable FC host with fabric name `fabric` (a vHBA shares its parent's fabric but cannot make vports). */
function hostByFabric(fabric: string): string | undefined {
  return fcHostNames().find((h) => vportCapable(h) && fcAttr(h, 'fabric_name') === fabric);
}

const xmlError = (detail: string): VirError => new VirError(ErrorCode.XML_ERROR, detail, ErrorDomain.NODEDEV);

/** The parent host a vHBA is to be made on, by `parent`, the parent's port names, its fabric or the first free one. */
function parentHost(a: FcAdapter): { host: number; named: boolean } {
  if (a.parent !== undefined) return { host: hostNumber(a.parent), named: true };
  if (a.parentWwnn !== undefined && a.parentWwpn !== undefined) {
    const host = hostByWWN(a.parentWwnn, a.parentWwpn);
    if (!host) throw xmlError('cannot find parent using provided wwnn/wwpn');
    return { host: hostNumber(host), named: true };
  }
  if (a.parentFabricWwn !== undefined) {
    const host = hostByFabric(a.parentFabricWwn);
    if (!host) throw xmlError('cannot find parent using provided fabric_wwn');
    return { host: hostNumber(host), named: true };
  }
  const host = freeVportHost();
  if (!host) throw xmlError("'parent' for vHBA not specified, and cannot find one on this host");
  return { host: hostNumber(host), named: false };
}

/**
 * Writes `wwpn:wwnn` to a parent's `vport_create` or `vport_delete` (under fc_host, else
 * scsi_host): the kernel makes or removes the vHBA.
 */
async function manageVport(parent: number, a: FcAdapter, op: 'vport_create' | 'vport_delete'): Promise<void> {
  const path = [join(hostDir('fc_host', parent), op), join(hostDir('scsi_host', parent), op)].find((p) => existsSync(p));
  if (!path) throw new VirError(ErrorCode.OPERATION_INVALID, `vport operation '${op}' is not supported for host${parent}`, ErrorDomain.NONE);
  const name = `${a.wwpn}:${a.wwnn}`;
  await writeFile(path, name).catch((e: unknown) => {
    throw systemError(`Write of '${name}' to '${path}' during vport create/delete failed`, e as NodeJS.ErrnoException);
  });
}

/**
 * The scsi_host a vHBA hangs below in the device tree (`.../host5/vport-5:0-0/host6`), as
 * `scsi_hostN`; undefined for an HBA, whose parent is a PCI device.
 */
function vhbaParent(name: string): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(join(fcHosts(), name));
  } catch {
    return undefined;
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const b = basename(dir);
    if (/^host\d+$/.test(b) && b !== name) return `scsi_${b}`;
  }
  return undefined;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The host with the adapter's port names, waiting a little for one the kernel is adding. */
async function appeared(a: FcAdapter): Promise<string | undefined> {
  for (let waited = 0; ; waited += POLL_MS) {
    const host = hostByWWN(a.wwnn, a.wwpn);
    if (host || waited >= APPEAR_MS) return host;
    await delay(POLL_MS);
  }
}

/**
 * Makes sure the vHBA of an fc_host adapter exists: an existing host with its port names is used
 * as it is (its parent must be the one named); otherwise one is made on the parent's `vport_create`.
 * Answers whether this call made it (the pool then manages it: it is removed when the pool stops).
 */
export async function createVport(a: FcAdapter): Promise<boolean> {
  const existing = hostByWWN(a.wwnn, a.wwpn);
  if (existing) {
    const parent = vhbaParent(existing);
    if (a.parent !== undefined && parent !== undefined && hostNumber(parent) !== hostNumber(a.parent)) {
      throw xmlError(`Parent attribute '${a.parent}' does not match parent '${parent}' determined for the '${existing}' wwnn/wwpn lookup.`);
    }
    return false;
  }
  const { host, named } = parentHost(a);
  if (named && !existsSync(hostDir('fc_host', host))) throw xmlError(`parent '${a.parent ?? `host${host}`}' specified for vHBA does not exist`);
  await manageVport(host, a, 'vport_create');
  if (await appeared(a)) return true;
  await manageVport(host, a, 'vport_delete').catch(() => undefined);
  throw notFound(a);
}

/** libvirt's words for an fc_host adapter whose host is not in sysfs. */
export const notFound = (a: FcAdapter): VirError =>
  new VirError(ErrorCode.XML_ERROR, `Failed to find SCSI host with wwnn='${a.wwnn}', wwpn='${a.wwpn}'`, ErrorDomain.STORAGE);

/**
 * Removes a managed adapter's vHBA through its parent's `vport_delete` (an unmanaged one, or one
 * on an HBA rather than a vHBA, is left alone).
 */
export async function deleteVport(a: FcAdapter): Promise<void> {
  if (a.managed !== true) return;
  const name = hostByWWN(a.wwnn, a.wwpn);
  if (!name) throw new VirError(ErrorCode.INTERNAL_ERROR, `Failed to find fc_host for wwnn='${a.wwnn}' and wwpn='${a.wwpn}'`, ErrorDomain.NODEDEV);
  if (a.parent === `scsi_${name}`) return;
  const parent = a.parent ?? vhbaParent(name);
  if (parent === undefined) return;
  await manageVport(hostNumber(parent), a, 'vport_delete');
}
