import { join } from 'node:path';
import { domainPart, otherPart, setDomainPart, withDomainPart, type DomainDef, type DomainPart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { checkAutoselection } from '../command/firmware-args.js';
import type { DriverPaths } from '../state/driver-paths.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { descriptorFiles, readDescriptor, type FirmwareDescriptor } from './firmware-descriptor.js';

type Os = NonNullable<DomainPart<'os'>>;

/** Where firmware is looked for and where NVRAM stores are made. */
export interface FirmwareContext {
  /** Directories of QEMU firmware descriptors, lowest precedence first. */
  readonly descriptorDirs: readonly string[];
  /** The directory of the NVRAM stores made from templates (`NAME_VARS.fd`). */
  readonly nvramDir: string;
}

/**
 * The firmware context of a driver root: the distribution's descriptors, the host's overrides, and
 * the root's own (`CONFIGDIR/firmware`, e.g. `/etc/tsvirt/qemu/firmware`), which win; NVRAM stores
 * in `LIBDIR/nvram`, as libvirt's `/var/lib/libvirt/qemu/nvram`.
 */
export const firmwareContext = (p: DriverPaths): FirmwareContext => ({
  descriptorDirs: ['/usr/share/qemu/firmware', '/etc/qemu/firmware', join(p.configDir, 'firmware')],
  nvramDir: join(p.libDir, 'nvram'),
});

/** The NVRAM store libvirt makes for a domain. */
export const nvramPathFor = (nvramDir: string, name: string): string => join(nvramDir, `${name}_VARS.fd`);

/** fnmatch(3) as QEMU's descriptors use it for machine types (`pc-q35-*`). */
function globMatches(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(text);
}

/** Whether a descriptor satisfies a definition asking for its firmware to be chosen (libvirt 9.0's rules). */
function satisfies(fw: FirmwareDescriptor, def: DomainDef, os: Os): boolean {
  const arch = os.arch === 'i686' ? 'i386' : (os.arch ?? GUEST_ARCH);
  const machine = def.os.machine ?? 'pc';
  if (!fw['interface-types'].includes(os.firmware === 'efi' ? 'uefi' : 'bios')) return false;
  if (!fw.targets.some((t) => t.architecture === arch && t.machines.some((m) => globMatches(m, machine)))) return false;
  const { mapping } = fw;
  if (mapping.device === 'flash') {
    // Only raw images can be mapped as pflash by this QEMU; a stateless loader wants a stateless image, any other the split one.
    if (mapping.executable === undefined || mapping.executable.format !== 'raw' || (mapping['nvram-template'] && mapping['nvram-template'].format !== 'raw')) return false;
    if (mapping.mode !== (os.loader?.stateless === true ? 'stateless' : 'split')) return false;
  } else if (mapping.device !== 'memory' || mapping.filename === undefined) {
    return false;
  }
  for (const f of os.firmwareFeatures ?? []) {
    if (f.name !== undefined && f.enabled !== undefined && fw.features.includes(f.name) !== f.enabled) return false;
  }
  return !(fw.features.includes('requires-smm') && otherPart(def, 'features')?.smm === false);
}

/** The `<loader>` and `<nvram>` libvirt fills in from the firmware chosen. */
function filled(fw: FirmwareDescriptor, def: DomainDef, os: Os, ctx: FirmwareContext): Os {
  const { mapping } = fw;
  if (mapping.device === 'memory') return { ...os, firmware: undefined, loader: { ...os.loader, type: 'rom', path: mapping.filename } };
  const secure = fw.features.includes('secure-boot') ? { secure: true } : {};
  const loader = { ...os.loader, readonly: true, ...secure, type: 'pflash' as const, path: mapping.executable!.filename };
  if (mapping.mode === 'stateless') return { ...os, firmware: undefined, loader };
  const template = mapping['nvram-template']?.filename;
  const nvram = { ...os.nvram, path: os.nvram?.path ?? nvramPathFor(ctx.nvramDir, def.name), ...(template !== undefined ? { template } : {}) };
  return { ...os, firmware: undefined, loader, nvram };
}

/**
 * A pflash loader that is not stateless keeps its variables in an NVRAM store: libvirt's path for
 * it when the definition names none.
 */
function withDefaultNvram(def: DomainDef, os: Os, ctx: FirmwareContext): Os | undefined {
  const loader = os.loader;
  if (loader?.type !== 'pflash' || loader.readonly !== true || loader.stateless === true) return undefined;
  const nvram = os.nvram;
  if (nvram?.path?.trim() || nvram?.type !== undefined) return undefined;
  return { ...os, nvram: { ...nvram, path: nvramPathFor(ctx.nvramDir, def.name) } };
}

/**
 * libvirt's firmware autoselection before a start (qemuFirmwareFillDomain): for `<os firmware=…>`
 * the first descriptor (in name order, after precedence) that satisfies the definition gives the
 * live definition its `<loader>` and `<nvram>` (with the template), SMM when the firmware needs
 * it, and the `firmware` attribute goes, as in libvirt's live XML. A manual pflash loader gets its
 * default NVRAM path. Changes `def` in place.
 */
export async function selectFirmware(def: DomainDef, ctx: FirmwareContext): Promise<void> {
  const os = domainPart(def, 'os');
  if (!os) return;
  let next: Os | undefined;
  if (os.firmware === undefined) {
    next = withDefaultNvram(def, os, ctx);
  } else {
    checkAutoselection(os);
    for (const file of await descriptorFiles(ctx.descriptorDirs)) {
      const fw = await readDescriptor(file);
      if (!satisfies(fw, def, os)) continue;
      next = filled(fw, def, os, ctx);
      if (fw.features.includes('requires-smm')) setDomainPart(def, 'features', { ...otherPart(def, 'features'), smm: true });
      break;
    }
    if (!next) throw new VirError(ErrorCode.OPERATION_FAILED, `Unable to find any firmware to satisfy '${os.firmware}'`, ErrorDomain.QEMU);
  }
  if (next) Object.assign(def, withDomainPart(def, 'os', next, { arch: GUEST_ARCH }));
}
