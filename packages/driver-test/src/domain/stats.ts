import { devicesOf, findDevice, type DeviceOf, type DomainDef } from '@tsvirt/conf';
import type { DomainBlockInfo, DomainBlockStats, DomainInterfaceStats } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';

const D = ErrorDomain.TEST;

function checkActive(obj: DomainObject): void {
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', ErrorDomain.DOMAIN);
}

/** Where a disk's data lives: a file, device or directory path, a network disk's name or a pool's volume. */
function diskSource(disk: DeviceOf<'disk'>): string | undefined {
  const src = disk.source;
  return src && (src.file ?? src.dev ?? src.dir ?? src.name ?? src.volume);
}

/** libvirt's virDomainDiskByName: a path (starting with '/') names a disk by source, anything else by target. */
export function diskByName(def: DomainDef, name: string): DeviceOf<'disk'> | undefined {
  return findDevice(def, 'disk', (d) => (name.startsWith('/') ? diskSource(d) === name : d.target?.dev === name));
}

/** Wall-clock readings the mock derives its counters from: microseconds and seconds. */
function clock(): { us: number; sec: number } {
  const ms = Date.now();
  return { us: ms * 1000, sec: Math.floor(ms / 1000) };
}

/** testDomainBlockStats: counters that grow with the clock, for a disk of a running domain. */
export function blockStats(obj: DomainObject, path: string): DomainBlockStats {
  if (path === '') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'summary statistics are not supported yet', D);
  checkActive(obj);
  if (!diskByName(obj.def, path)) throw new VirError(ErrorCode.INVALID_ARG, `invalid path: ${path}`, D);
  const { us, sec } = clock();
  return {
    rdReq: Math.floor(us / 10), rdBytes: Math.floor(us / 20), wrReq: Math.floor(us / 30), wrBytes: Math.floor(us / 40),
    errs: Math.floor(sec / 2),
  };
}

/** libvirt's virDomainNetFind: a MAC address names an interface by MAC, anything else by host-side name. */
export function findInterface(def: DomainDef, device: string): DeviceOf<'interface'> | undefined {
  const mac = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(device) ? device.toLowerCase() : undefined;
  return devicesOf(def, 'interface').find((iface) => (mac ? iface.mac?.toLowerCase() : iface.target?.dev) === (mac ?? device));
}

/** testDomainInterfaceStats: counters that grow with the clock, for an interface of a running domain. */
export function interfaceStats(obj: DomainObject, device: string): DomainInterfaceStats {
  checkActive(obj);
  if (!findInterface(obj.def, device)) {
    throw new VirError(ErrorCode.INVALID_ARG, `'${device}' is not a known interface`, ErrorDomain.DOMAIN);
  }
  const { us, sec } = clock();
  return {
    rxBytes: Math.floor(us / 10), rxPackets: Math.floor(us / 100), rxErrs: sec, rxDrop: Math.floor(sec / 2),
    txBytes: Math.floor(us / 20), txPackets: Math.floor(us / 110), txErrs: Math.floor(sec / 3), txDrop: Math.floor(sec / 4),
  };
}

/** The sizes testDomainGetBlockInfo reports for every disk: a terabyte image, nearly full. */
const TEST_BLOCK_INFO: DomainBlockInfo = { capacity: 1099506450432, allocation: 1099511627776, physical: 1099511627776 };

/** testDomainGetBlockInfo: fixed sizes for any disk that has a source, running or not. */
export function getBlockInfo(obj: DomainObject, path: string, flags: number): DomainBlockInfo {
  checkFlags(flags, 0, 'testDomainGetBlockInfo', D);
  const disk = diskByName(obj.def, path);
  if (!disk) throw new VirError(ErrorCode.INVALID_ARG, `invalid path ${path} not assigned to domain`, D);
  if (diskSource(disk) === undefined) {
    throw new VirError(ErrorCode.INVALID_ARG, `disk '${path}' does not currently have a source assigned`, D);
  }
  return TEST_BLOCK_INFO;
}
