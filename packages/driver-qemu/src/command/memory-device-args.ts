import { domainPart, toKiB, type DeviceOf, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { deviceArg } from './device-args.js';
import type { JsonProps } from './disk-props.js';
import { accessShare, hostNodes, nodePolicy, memoryBackend, moduleKiB, pageSizeFor, type HugepageContext } from './memory-args.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';

type MemoryDevice = DeviceOf<'memory'>;

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

const kib = (value: number | undefined, unit: string | undefined): number => (value === undefined ? 0 : toKiB(value, unit ?? 'KiB'));

/** The memory modules of a definition with their device ids: DIMMs by slot (the first free one when none is given), the rest by count. */
export function memoryModuleIds(def: DomainDef): Array<{ m: MemoryDevice; alias: string; slot?: number }> {
  const mems = devicesOf(def.devices, 'memory');
  const slotted = (m: MemoryDevice): boolean => m.model === 'dimm' || m.model === 'nvdimm';
  const taken = new Set(mems.filter((m) => slotted(m) && m.address?.type === 'dimm' && m.address.slot !== undefined).map((m) => m.address!.slot!));
  const counts: Record<string, number> = {};
  return mems.map((m) => {
    const model = m.model ?? 'dimm';
    if (!slotted(m)) {
      const n = counts[model] ?? 0;
      counts[model] = n + 1;
      return { m, alias: `${model.replace('-', '')}${n}` };
    }
    let slot = m.address?.type === 'dimm' ? m.address.slot : undefined;
    if (slot === undefined) {
      slot = 0;
      while (taken.has(slot)) slot++;
      taken.add(slot);
    }
    return { m, alias: `${model}${slot}`, slot };
  });
}

/** The backend object of one memory module (with the thread context that preallocates it on its host nodes). */
function moduleBackend(def: DomainDef, m: MemoryDevice, id: string, ctx: HugepageContext): { objects: string[]; devicePrealloc: boolean } {
  const mb = domainPart(def, 'memoryBacking');
  const node = m.target?.node;
  const src = m.source ?? {};
  const pageKiB = src.pagesize !== undefined ? kib(src.pagesize, src.pagesizeUnit) : src.path === undefined ? pageSizeFor(mb, node, ctx.defaultHugepageKiB) : undefined;
  const nodes = src.nodemask !== undefined ? nodePolicy(src.nodemask, 'bind', ctx) : hostNodes(domainPart(def, 'numatune'), node, ctx);
  // A module shares its memory as it says, else as the guest node it is plugged into, else as the guest.
  const cell = domainPart(def, 'cpu')?.numa?.cells?.find((c) => c.id === node);
  const share = accessShare(m.access) ?? accessShare(cell?.memAccess) ?? accessShare(mb?.access);
  const virtioMem = m.model === 'virtio-mem';
  const objects = memoryBackend(id, moduleKiB(m) * 1024, {
    pageKiB, path: src.path, share, ctx, nodes,
    discard: m.discard === undefined ? undefined : m.discard === 'yes',
    // virtio-mem plugs memory as the guest asks for it: nothing is reserved, and the device preallocates.
    reserve: virtioMem ? false : undefined,
    prealloc: virtioMem ? false : (pageKiB !== undefined || (m.model === 'nvdimm' && !src.pmem)),
    align: src.alignsize === undefined ? undefined : kib(src.alignsize, src.alignsizeUnit) * 1024,
    pmem: src.pmem ? true : undefined,
    threads: mb?.allocation?.threads,
    // A file of the run's memory directory is named after the module's alias (the backend's id is mem + alias).
    memoryFile: id.replace(/^mem/, ''),
  });
  return { objects, devicePrealloc: virtioMem && pageKiB !== undefined };
}

/** `-object` and `-device` of one memory module with its device id (and a DIMM's slot). */
export function memoryModuleArgs(def: DomainDef, m: MemoryDevice, alias: string, slot: number | undefined, ctx: HugepageContext): string[] {
  const pcieRoot = hasPcieRoot(def.devices);
  const memdev = `mem${alias}`;
  const { objects, devicePrealloc } = moduleBackend(def, m, memdev, ctx);
  const node = m.target?.node;
  let props: JsonProps;
  switch (m.model ?? 'dimm') {
    case 'dimm':
    case 'nvdimm': {
      if (m.target?.labelSize !== undefined) throw unsupported('an NVDIMM label is not supported by this driver yet');
      const base = m.address?.type === 'dimm' && m.address.base !== undefined ? { addr: m.address.base } : {};
      props = { driver: m.model === 'nvdimm' ? 'nvdimm' : 'pc-dimm', node, ...(m.target?.readonly ? { unarmed: true } : {}), memdev, id: alias, slot, ...base };
      break;
    }
    case 'virtio-mem':
      props = {
        driver: 'virtio-mem-pci', node, 'block-size': kib(m.target?.block, m.target?.blockUnit) * 1024,
        'requested-size': kib(m.target?.requested, m.target?.requestedUnit) * 1024, memdev, ...(devicePrealloc ? { prealloc: true } : {}),
        id: alias, ...pciProps(pciAddressOf(m), pcieRoot),
      };
      break;
    case 'virtio-pmem':
      props = { driver: 'virtio-pmem-pci', memdev, id: alias, ...pciProps(pciAddressOf(m), pcieRoot) };
      break;
    default:
      throw unsupported(`memory device model '${m.model}' is not supported by this driver yet`);
  }
  return [...objects, ...deviceArg(props)];
}

/** `-object` and `-device` of each memory module: DIMM, NVDIMM, virtio-mem and virtio-pmem. */
export function memoryDeviceArgs(def: DomainDef, ctx: HugepageContext): string[] {
  return memoryModuleIds(def).flatMap(({ m, alias, slot }) => memoryModuleArgs(def, m, alias, slot, ctx));
}
