/**
 * `<shmem>` (ivshmem) as libvirt 9.0's QEMU driver takes it: the checks and defaults of its
 * definition (name, MSI, server, size by model) and the size in bytes the command line uses.
 */
import { toBytes, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf, writeBack, type DeviceOf } from './typed-devices.js';

export type Shmem = DeviceOf<'shmem'>;

const MiB = 1n << 20n;
/** libvirt's size for a region whose definition names none (the default since ivshmem came). */
const DEFAULT_SIZE_MiB = 4n;

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.DOMAIN);
const xmlError = (what: string): VirError => new VirError(ErrorCode.XML_ERROR, what, ErrorDomain.DOMAIN);

/** The model, ivshmem when none is named (QEMU 7.2 has it no more). */
export const shmemModel = (s: Shmem): NonNullable<Shmem['model']> => s.model ?? 'ivshmem';

/** The region's size in bytes as written (`<size>` without a unit is bytes), or undefined. */
export function shmemBytes(s: Shmem): bigint | undefined {
  return s.size === undefined ? undefined : toBytes(s.size.trim(), s.sizeUnit);
}

/** What libvirt refuses when it reads a `<shmem>`: a missing or path-like name, an unknown role, MSI without a server, a bad size. */
function checkParsed(s: Shmem): void {
  if (s.name === undefined) throw xmlError("shmem element must contain 'name' attribute");
  if (s.name.includes('/')) throw unsupported("shmem name cannot include '/' character");
  if (s.name === '.' || s.name === '..') throw unsupported(`shmem name cannot be equal to '${s.name}'`);
  if (s.role !== undefined && s.role !== 'master' && s.role !== 'peer') throw xmlError(`Invalid value for attribute 'role' in element 'shmem': '${s.role}'.`);
  if (s.msi !== undefined && s.server === undefined) throw xmlError('msi option is only supported with a server');
  shmemBytes(s);
}

/** The QEMU driver's rules for each model (qemuDomainShmemDefPostParse): which takes a server and a size. */
function checkModel(s: Shmem): void {
  const model = shmemModel(s);
  if (model === 'ivshmem') return;
  if (s.server === undefined) {
    if (model === 'ivshmem-doorbell') throw unsupported(`shmem model '${model}' is supported only with server option enabled`);
  } else {
    if (model === 'ivshmem-plain') throw unsupported(`shmem model '${model}' is supported only with server option disabled`);
    if (s.size !== undefined) throw unsupported(`shmem model '${model}' does not support size setting`);
  }
}

/**
 * libvirt's define-time defaults of `<shmem>` (once `checkShmems` passed): the model it stands for,
 * a region without a size (or of size 0) is 4 MiB, a size of whole MiB is written in MiB, a
 * doorbell device's server gets MSI with ioeventfd on unless told.
 */
export function shmemDefaults(def: DomainDef): void {
  for (const s of devicesOf(def.devices, 'shmem')) {
    const next: Shmem = { ...s, model: shmemModel(s) };
    const bytes = shmemBytes(s);
    // libvirt writes sizes in MiB. One that is not whole MiB (which no start accepts) is kept as written: libvirt
    // writes it rounded down but refuses the start by the exact size it still holds, and here the start reads the file.
    if (!bytes && next.model !== 'ivshmem-doorbell') Object.assign(next, { size: String(DEFAULT_SIZE_MiB), sizeUnit: 'M' });
    else if (bytes !== undefined && bytes % MiB === 0n) Object.assign(next, { size: String(bytes / MiB), sizeUnit: 'M' });
    if (next.model !== 'ivshmem' && s.server !== undefined) next.msi = { ...s.msi, ioeventfd: s.msi?.ioeventfd ?? true };
    // No vectors is QEMU's default: libvirt does not write `vectors='0'` back.
    if (next.msi?.vectors === 0) next.msi = { ...next.msi, vectors: undefined };
    writeBack(def, next);
  }
}

/**
 * libvirt's define-time checks of `<shmem>`, in its order: as its parser reads each, as the QEMU
 * driver's post-parse takes each model, then against QEMU 7.2, which has no `ivshmem` device
 * (only its plain and doorbell halves).
 */
export function checkShmems(def: DomainDef): void {
  const all = devicesOf(def.devices, 'shmem');
  all.forEach(checkParsed);
  all.forEach(checkModel);
  if (all.some((s) => shmemModel(s) === 'ivshmem')) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'ivshmem device is not supported with this QEMU binary', ErrorDomain.QEMU);
  }
}
