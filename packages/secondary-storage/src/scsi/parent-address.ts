import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, sysfsPath } from '@tsvirt/util';
import type { Adapter } from './vhba.js';

/** A scsi_host adapter's `<parentaddr>`: the PCI address of its HBA and the host's unique_id. */
export type ParentAddress = NonNullable<Adapter['parentaddr']>;

/** The PCI address as sysfs paths spell it (`0000:00:1f.2`). */
function pciName(pa: ParentAddress): string {
  const a = pa.address ?? {};
  const hex = (v: number | undefined, width: number): string => (v ?? 0).toString(16).padStart(width, '0');
  return `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${(a.function ?? 0).toString(16)}`;
}

/** A SCSI host's unique_id from sysfs; undefined when it has none or it is not a number. */
function uniqueIdOf(dir: string): number | undefined {
  try {
    const text = readFileSync(join(dir, 'unique_id'), 'utf8').split('\n')[0]!;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The SCSI host (`hostN`) below the PCI device at the adapter's parent address with its
 * unique_id, as libvirt finds it: among `class/scsi_host`'s links, the one whose device path
 * passes through that PCI address; undefined when none does.
 */
export function hostByParentAddress(pa: ParentAddress): string | undefined {
  const dir = sysfsPath('class/scsi_host');
  const pci = pciName(pa);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  return names.find((name) => {
    const link = join(dir, name);
    try {
      if (!lstatSync(link).isSymbolicLink() || !realpathSync(link).includes(pci)) return false;
    } catch {
      return false;
    }
    return uniqueIdOf(link) === pa.uniqueId;
  });
}

/** The host of a parent-address adapter, or libvirt's refusal naming the address. */
export function parentAddressHost(pa: ParentAddress): string {
  const host = hostByParentAddress(pa);
  if (host === undefined) {
    throw new VirError(ErrorCode.XML_ERROR, `Failed to find scsi_host using PCI '${pciName(pa)}' and unique_id='${pa.uniqueId ?? 0}'`, ErrorDomain.NONE);
  }
  return host;
}
