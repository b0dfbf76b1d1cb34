import { domainPart, type DomainDef, type DomainPart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DeviceOf } from '../devices/typed-devices.js';
import type { JsonProps } from './disk-props.js';
import { networkStorageProps } from './network-disk.js';

/** The firmware's part of the command line: `-blockdev` pairs for the pflash units, what `-machine` names, `-bios` or the secure pflash `-global`. */
export interface FirmwareArgs {
  readonly blockdevs: string[];
  readonly machine: string[];
  readonly bios: string[];
}

/** Secure Boot's pflash is writable only from SMM. */
const SECURE_PFLASH = ['-global', 'driver=cfi.pflash01,property=secure,value=on'];

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/** One pflash unit as libvirt gives it: a protocol node (a local file or device, or a network volume's) and a raw format node over it. */
function pflash(unit: number, source: string | JsonProps, readOnly: boolean, block: boolean): string[] {
  const storage = `libvirt-pflash${unit}-storage`;
  const protocol = typeof source === 'string' ? { driver: block ? 'host_device' : 'file', filename: source } : source;
  return [
    '-blockdev', JSON.stringify({ ...protocol, 'node-name': storage, 'auto-read-only': true, discard: 'unmap' }),
    '-blockdev', JSON.stringify({ 'node-name': `libvirt-pflash${unit}-format`, 'read-only': readOnly, driver: 'raw', file: storage }),
  ];
}

const detail = (what: string): VirError => new VirError(ErrorCode.XML_DETAIL, what, ErrorDomain.DOMAIN);

/**
 * What libvirt refuses in a definition that asks for its firmware to be chosen: a BIOS has no
 * NVRAM, and a loader may not pin what the choice decides (an image names a pflash type).
 */
export function checkAutoselection(os: NonNullable<DomainPart<'os'>>): void {
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
    // The driver resolves it before a start (`firmware/firmware-select.ts`); a caller that did not is refused.
    throw unsupported(`firmware autoselection ('${os.firmware}') was not resolved for this command line`);
  }
  if (!loader || !path) return { blockdevs: [], machine: [], bios: [] };
  if (loader.type !== 'pflash') return { blockdevs: [], machine: [], bios: ['-bios', path] };
  const blockdevs = pflash(0, path, loader.readonly === true, false);
  const machine = ['pflash0=libvirt-pflash0-format'];
  const nvram = os.nvram;
  if (nvram && loader.stateless !== true) {
    const file = nvram.path?.trim() || (nvram.type === 'block' ? nvram.source?.dev : nvram.source?.file);
    // A network store is reached as a network disk's source is.
    const source = nvram.type === 'network' ? networkStorageProps({ kind: 'disk', type: 'network', source: nvram.source } as DeviceOf<'disk'>) : file;
    if (!source) throw unsupported('an NVRAM store without a local path is not supported by this driver yet');
    blockdevs.push(...pflash(1, source, false, nvram.type === 'block'));
    machine.push('pflash1=libvirt-pflash1-format');
  }
  return { blockdevs, machine, bios: loader.secure === true ? SECURE_PFLASH : [] };
}
