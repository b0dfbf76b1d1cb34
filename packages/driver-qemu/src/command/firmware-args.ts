import { domainPart, type DomainDef, type DomainPart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** The firmware's part of the command line: `-blockdev` pairs for the pflash units, what `-machine` names, `-bios`. */
export interface FirmwareArgs {
  readonly blockdevs: string[];
  readonly machine: string[];
  readonly bios: string[];
}

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/** One pflash unit as libvirt gives it: a protocol node and a raw format node over it. */
function pflash(unit: number, filename: string, readOnly: boolean, block: boolean): string[] {
  const storage = `libvirt-pflash${unit}-storage`;
  return [
    '-blockdev', JSON.stringify({ driver: block ? 'host_device' : 'file', filename, 'node-name': storage, 'auto-read-only': true, discard: 'unmap' }),
    '-blockdev', JSON.stringify({ 'node-name': `libvirt-pflash${unit}-format`, 'read-only': readOnly, driver: 'raw', file: storage }),
  ];
}

const detail = (what: string): VirError => new VirError(ErrorCode.XML_DETAIL, what, ErrorDomain.DOMAIN);

/**
 * What libvirt refuses in a definition that asks for its firmware to be chosen: a BIOS has no
 * NVRAM, and a loader may not pin what the choice decides (an image names a pflash type).
 */
function checkAutoselection(os: NonNullable<DomainPart<'os'>>): void {
  const loader = os.loader;
  if (os.firmware === 'bios') {
    if (loader?.stateless === false) throw detail('Only EFI firmware permits NVRAM');
    if (os.nvram) throw detail("firmware type 'bios' does not support nvram");
  }
  const pinned = loader?.readonly !== undefined ? 'readonly' : loader?.secure !== undefined ? 'secure' : loader?.type !== undefined || loader?.path ? 'type' : undefined;
  if (pinned) throw detail(`loader attribute '${pinned}' cannot be specified when firmware autoselection is enabled`);
}

/**
 * The firmware of `<os>`: a ROM loader is `-bios`; a pflash loader is unit 0 and the NVRAM store
 * (a path, or a file or block source) unit 1, both named on `-machine`.
 */
export function firmwareArgs(def: DomainDef): FirmwareArgs {
  const os = domainPart(def, 'os');
  const loader = os?.loader;
  const path = loader?.path?.trim();
  if (os?.firmware !== undefined) {
    checkAutoselection(os);
    throw unsupported(`firmware autoselection ('${os.firmware}') is not supported by this driver yet`);
  }
  if (!loader || !path) return { blockdevs: [], machine: [], bios: [] };
  if (loader.type !== 'pflash') return { blockdevs: [], machine: [], bios: ['-bios', path] };
  const blockdevs = pflash(0, path, loader.readonly === true, false);
  const machine = ['pflash0=libvirt-pflash0-format'];
  const nvram = os.nvram;
  if (nvram && loader.stateless !== true) {
    const file = nvram.path?.trim() || (nvram.type === 'block' ? nvram.source?.dev : nvram.source?.file);
    if (!file || nvram.type === 'network') throw unsupported('an NVRAM store without a local path is not supported by this driver yet');
    blockdevs.push(...pflash(1, file, false, nvram.type === 'block'));
    machine.push('pflash1=libvirt-pflash1-format');
  }
  return { blockdevs, machine, bios: [] };
}
