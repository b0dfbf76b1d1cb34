import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { childElements, firstChild, type XmlElement } from '../xml/xml-node.js';
import type { Model, Shape } from '../model/binding.js';
import { DOMAIN_PART_MODELS } from './parts/index.js';
import { parseDevice, type DomainDevice } from './devices/index.js';
import { checkChardevSources, validateChardevSources } from './chardev-checks.js';
import { checkGraphicsListens } from './graphics-checks.js';
import { checkResctrl } from './resctrl-checks.js';
import { checkDiskTarget } from './disk-target.js';
import { iotuneConflict } from './devices/disk-iotune.js';

const xmlError = (detail: string): VirError => new VirError(ErrorCode.XML_ERROR, detail, ErrorDomain.DOMAIN);
const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, ErrorDomain.DOMAIN);

/** The children `<features>` may have in libvirt 9.0. */
const FEATURES = new Set(['acpi', 'apic', 'pae', 'hap', 'viridian', 'privnet', 'hyperv', 'kvm', 'pvspinlock', 'capabilities',
  'pmu', 'vmport', 'gic', 'smm', 'ioapic', 'hpt', 'vmcoreinfo', 'htm', 'nested-hv', 'msrs', 'ccf-assist', 'xen', 'cfpc',
  'sbbc', 'ibs', 'tcg', 'async-teardown']);

type Disk = Extract<DomainDevice, { kind: 'disk' }>;

/** What libvirt names a disk's source by in its messages: a path, a volume or a network name. */
function diskSource(d: Disk): string | undefined {
  const s = d.source;
  return s && (s.file ?? s.dev ?? s.dir ?? s.name ?? s.volume ?? s.path);
}

function checkDisks(disks: Disk[]): void {
  for (const d of disks) {
    if (d.target?.dev === undefined) {
      throw new VirError(ErrorCode.NO_TARGET, diskSource(d) ?? (d.type === 'network' ? d.source?.protocol : undefined), ErrorDomain.DOMAIN);
    }
    const conflict = d.iotune && iotuneConflict(d.iotune);
    if (conflict) throw xmlError(`total and read/write ${conflict} cannot be set at the same time`);
  }
  disks.forEach(checkDiskTarget);
  for (const d of disks) {
    if (d.device === 'lun' && (d.type === 'file' || d.type === 'dir')) throw unsupported("disk device='lun' is only valid for block type disk source");
  }
  const byTarget = new Map<string, Disk>();
  for (const d of disks) {
    const source = diskSource(d);
    const target = d.target!.dev!;
    const seen = byTarget.get(target);
    if (seen) throw xmlError(`target '${target}' duplicated for disk sources '${diskSource(seen) ?? ''}' and '${source ?? ''}'`);
    byTarget.set(target, d);
  }
}

const MAC = /^[\da-f]{1,2}(?::[\da-f]{1,2}){5}$/i;

function checkInterfaces(nics: Array<Extract<DomainDevice, { kind: 'interface' }>>): void {
  for (const n of nics) {
    if (n.mac !== undefined) {
      if (!MAC.test(n.mac)) throw xmlError(`unable to parse mac address '${n.mac}'`);
      if (parseInt(n.mac.split(':')[0]!, 16) & 1) throw xmlError(`expected unicast mac address, found multicast '${n.mac}'`);
    }
    if (n.type === 'network' && n.source?.network === undefined) throw xmlError("interface type='network' requires a 'source' element");
  }
}

function checkBootOrder(devices: DomainDevice[]): void {
  const used = new Set<number>();
  for (const d of devices) {
    if (!('bootOrder' in d) || d.bootOrder === undefined) continue;
    if (used.has(d.bootOrder)) throw unsupported(`boot order '${d.bootOrder}' used for more than one device`);
    used.add(d.bootOrder);
  }
}

function checkFeatures(root: XmlElement): void {
  const features = firstChild(root, 'features');
  for (const f of features ? childElements(features) : []) if (!FEATURES.has(f.name)) throw unsupported(`unexpected feature '${f.name}'`);
}

type PartKind = keyof typeof DOMAIN_PART_MODELS;

/** Each part kind's place in the order their models are read (a document's first bad part is the one reported). */
let partRanks: ReadonlyMap<string, number> | undefined;

/** Reads the first element of each part kind through its model, in the kinds' order: one pass over the root's children. */
function parseParts(root: XmlElement): void {
  const ranks = partRanks ??= new Map(Object.keys(DOMAIN_PART_MODELS).map((k, i) => [k, i]));
  const firsts: XmlElement[] = [];
  for (let i = 0; i < root.children.length; i++) {
    const c = root.children[i]!;
    if (c.kind !== 'element') continue;
    const rank = ranks.get(c.name);
    if (rank !== undefined) firsts[rank] ??= c;
  }
  for (let i = 0; i < firsts.length; i++) {
    const el = firsts[i];
    if (el) (DOMAIN_PART_MODELS[el.name as PartKind] as Model<Shape>).parse(el);
  }
}

/**
 * libvirt's checks of a domain, with its messages: the top-level parts and the devices are read
 * through their typed models (bad values, unknown words), then checked across: features, disk
 * targets, MAC addresses, boot orders, socket chardev sources, graphics listens,
 * resource control groups. `driverChecks` (the hypervisor driver's validation of the domain as
 * a whole) runs before the chardev sources are validated, as libvirt orders them.
 */
export function checkDomain(root: XmlElement, deviceElements: readonly XmlElement[], driverChecks?: () => void): void {
  parseParts(root);
  const devices: DomainDevice[] = [];
  for (let i = 0; i < deviceElements.length; i++) {
    const d = parseDevice(deviceElements[i]!);
    if (d) devices.push(d);
  }
  checkChardevSources(deviceElements);
  for (const g of deviceElements) if (g.name === 'graphics') checkGraphicsListens(g);
  checkFeatures(root);
  checkResctrl(root);
  checkDisks(devices.filter((d): d is Disk => d.kind === 'disk'));
  checkInterfaces(devices.filter((d): d is Extract<DomainDevice, { kind: 'interface' }> => d.kind === 'interface'));
  checkBootOrder(devices);
  driverChecks?.();
  validateChardevSources(deviceElements);
}
