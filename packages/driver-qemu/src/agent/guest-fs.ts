import type { DomainFSInfo } from '@tsvirt/api';
import { devicesOf, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DomainAgent } from './agent-access.js';

const D = ErrorDomain.QEMU;

/** Where the guest says a file system's disk is (guest-get-fsinfo's `disk` entries, guest-get-disks' `address`). */
export interface AgentDiskAddress {
  readonly 'bus-type'?: string;
  readonly bus?: number;
  readonly target?: number;
  readonly unit?: number;
  readonly 'pci-controller'?: { readonly domain: number; readonly bus: number; readonly slot: number; readonly function: number };
  readonly serial?: string;
  readonly dev?: string;
}

/** One file system as guest-get-fsinfo reports it. */
export interface AgentFileSystem {
  readonly name: string;
  readonly mountpoint: string;
  readonly type: string;
  readonly 'total-bytes'?: number;
  readonly 'used-bytes'?: number;
  readonly disk?: readonly AgentDiskAddress[];
}

const malformed = (what: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, what, D);

/**
 * The domain disk (its target) the guest's address names, as libvirt finds it: a disk on the
 * same PCI address (virtio), a disk on a controller at that PCI address with the same
 * bus/target/unit (SCSI, SATA, IDE), else a disk with the same serial.
 */
export function diskTargetOf(def: DomainDef, a: AgentDiskAddress): string | undefined {
  const pci = a['pci-controller'];
  const samePci = (x: { type?: string; domain?: number; bus?: number; slot?: number; function?: number } | undefined): boolean =>
    pci !== undefined && x?.type === 'pci' && (x.domain ?? 0) === pci.domain && (x.bus ?? 0) === pci.bus && (x.slot ?? 0) === pci.slot && (x.function ?? 0) === pci.function;
  const disks = devicesOf(def, 'disk');
  const byPci = disks.find((d) => samePci(d.address));
  if (byPci) return byPci.target?.dev;
  const controllers = devicesOf(def, 'controller').filter((c) => samePci(c.address));
  const onController = disks.find((d) => d.address?.type === 'drive' && controllers.some((c) => c.index === (d.address?.controller ?? 0))
    && (d.address.bus ?? 0) === (a.bus ?? -1) && (d.address.target ?? 0) === (a.target ?? -1) && (d.address.unit ?? 0) === (a.unit ?? -1));
  if (onController) return onController.target?.dev;
  return a.serial === undefined ? undefined : disks.find((d) => d.serial === a.serial)?.target?.dev;
}

/** guest-get-fsinfo, checked: an array of file systems with their names, mount points and types. */
export async function agentFileSystems(agent: DomainAgent): Promise<AgentFileSystem[]> {
  const data = await agent.run<unknown>('guest-get-fsinfo');
  if (!Array.isArray(data)) throw malformed('guest-get-fsinfo reply was missing return data');
  for (const fs of data as AgentFileSystem[]) {
    if (typeof fs.name !== 'string') throw malformed("'name' missing in reply of guest-get-fsinfo");
    if (typeof fs.mountpoint !== 'string') throw malformed("'mountpoint' missing in reply of guest-get-fsinfo");
    if (typeof fs.type !== 'string') throw malformed("'type' missing in reply of guest-get-fsinfo");
  }
  return data as AgentFileSystem[];
}

/** virDomainGetFSInfo: the guest's file systems, last mounted first as libvirt lists them, with the domain disks under each. */
export async function fsInfo(agent: DomainAgent, def: DomainDef): Promise<DomainFSInfo[]> {
  return (await agentFileSystems(agent)).reverse().map((fs) => ({
    mountpoint: fs.mountpoint, name: fs.name, fstype: fs.type,
    devAliases: (fs.disk ?? []).map((a) => diskTargetOf(def, a)).filter((t) => t !== undefined),
  }));
}

/** A count the agent returns (frozen or thawed file systems). */
function countOf(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw malformed('malformed return value');
  return n;
}

/** virDomainFSFreeze: every file system, or those mounted at `mountpoints`; the number frozen. */
export async function fsFreeze(agent: DomainAgent, mountpoints: readonly string[]): Promise<number> {
  return countOf(mountpoints.length > 0 ? await agent.run('guest-fsfreeze-freeze-list', { mountpoints }) : await agent.run('guest-fsfreeze-freeze'));
}

/** virDomainFSThaw: every frozen file system; the number thawed. */
export async function fsThaw(agent: DomainAgent): Promise<number> {
  return countOf(await agent.run('guest-fsfreeze-thaw'));
}

/** virDomainFSTrim: discards unused blocks of every file system, in extents of at least `minimum` bytes. */
export async function fsTrim(agent: DomainAgent, minimum: bigint): Promise<void> {
  await agent.run('guest-fstrim', { minimum: Number(minimum) });
}
