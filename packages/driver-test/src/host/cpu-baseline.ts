import { formatGuestCpuXML, parseHostCpuXML, type GuestCpuDef, type HostCpuDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { x86Map } from './cpu-map-x86.js';
import type { X86Map, X86MapModel } from './x86-map-model.js';

/** virConnectBaselineCPUFlags: the only flag libvirt's test driver accepts. */
const EXPAND_FEATURES = 1;

/** CPU data as a set of CPUID/MSR bits; a vendor is a bit of its own. */
type Bits = Set<string>;
type Feature = GuestCpuDef['features'][number];

const C = ErrorDomain.CPU;
const failed = (detail: string): VirError => new VirError(ErrorCode.OPERATION_FAILED, detail, C);
const vendorBit = (vendor: string): string => `vendor.${vendor}`;

/** The map and its indexes, made on the first baseline. */
interface Tables extends X86Map {
  readonly featureBits: ReadonlyMap<string, readonly string[]>;
  readonly byName: ReadonlyMap<string, X86MapModel>;
}
let tables: Tables | undefined;
function map(): Tables {
  if (!tables) {
    const m = x86Map();
    tables = { ...m, featureBits: new Map(m.features), byName: new Map(m.models.map((model) => [model.name, model])) };
  }
  return tables;
}

const featureBits = (name: string): readonly string[] => {
  const bits = map().featureBits.get(name);
  if (!bits) throw new VirError(ErrorCode.INTERNAL_ERROR, `Unknown CPU feature ${name}`, C);
  return bits;
};

function modelBits(model: X86MapModel): Bits {
  return new Set(model.features.flatMap(featureBits));
}

/** All a host CPU provides: its model's features and its own (x86ModelFromCPU). */
function cpuBits(cpu: HostCpuDef): Bits {
  const model = map().byName.get(cpu.model);
  if (!model) throw new VirError(ErrorCode.INTERNAL_ERROR, `Unknown CPU model ${cpu.model}`, C);
  const bits = modelBits(model);
  for (const f of cpu.features) for (const b of featureBits(f)) bits.add(b);
  return bits;
}

/** The map's features wholly in `data`, in the map's order, each taking its bits out of `data`. */
function featuresIn(data: Bits, policy: Feature['policy']): Feature[] {
  const out: Feature[] = [];
  for (const [name, bits] of map().features) {
    if (bits.length === 0 || !bits.every((b) => data.has(b))) continue;
    out.push({ policy, name });
    for (const b of bits) data.delete(b);
  }
  return out;
}

const minus = (a: Bits, b: Bits): Bits => new Set([...a].filter((x) => !b.has(x)));

/** `data` described over `model`: the features it adds (required) and lacks (disabled), then the model's removed ones disabled. */
function describeOver(data: Bits, model: X86MapModel): Feature[] {
  const own = modelBits(model);
  const features = [...featuresIn(minus(data, own), 'require'), ...featuresIn(minus(own, data), 'disable')];
  for (const name of model.removed) if (!features.some((f) => f.name === name)) features.push({ policy: 'disable', name });
  return features;
}

/** How far a description is from its model: each enabled feature counts 1, disabled ones 2, 3, 4, ... (libvirt's loop, bound included). */
function distance(features: readonly Feature[]): { total: number; disabled: number } {
  let enabled = features.length;
  let disabled = 0;
  let penalty = 2;
  for (let i = 0; i < enabled; i++) {
    if (features[i]!.policy !== 'disable') continue;
    enabled--;
    disabled += penalty++;
  }
  return { total: enabled + disabled, disabled };
}

interface Candidate { model: X86MapModel; features: Feature[] }

/** Whether `next` describes the data better than `best` (x86DecodeUseCandidate): 2 stops the search. */
function better(best: Candidate | undefined, next: Candidate, preferred: readonly string[]): 0 | 1 | 2 {
  if (!next.model.guest) return 0;
  const isPreferred = preferred.includes(next.model.name);
  if (isPreferred && preferred.length === 1) return 2;
  if (!best) return 1;
  const a = distance(best.features);
  const b = distance(next.features);
  if (b.total < a.total || (b.total === a.total && b.disabled < a.disabled)) return 1;
  return isPreferred && b.disabled < a.disabled ? 1 : 0;
}

/** The model (newest first) that describes `data` best, as x86Decode picks it. */
function decode(data: Bits, preferred: readonly string[]): { vendor?: string; best: Candidate } {
  const vendor = map().vendors.find((v) => data.has(vendorBit(v)));
  const bits = vendor === undefined ? data : minus(data, new Set([vendorBit(vendor)]));
  let best: Candidate | undefined;
  const { models } = map();
  for (let i = models.length - 1; i >= 0; i--) {
    const model = models[i]!;
    if (vendor !== undefined && model.vendor !== undefined && model.vendor !== vendor) continue;
    const next = { model, features: describeOver(bits, model) };
    const rc = better(best, next, preferred);
    if (rc) best = next;
    if (rc === 2) break;
  }
  if (!best) throw new VirError(ErrorCode.INTERNAL_ERROR, 'Cannot find suitable CPU model for given data', C);
  return { ...(vendor !== undefined ? { vendor } : {}), best };
}

const knownVendor = (name: string): string => {
  if (!map().vendors.includes(name)) throw failed(`Unknown CPU vendor ${name}`);
  return name;
};

/** The x86 CPU every one of `cpus` can be (virCPUx86Baseline). */
function x86Baseline(cpus: readonly HostCpuDef[]): GuestCpuDef {
  const first = cpus[0]!;
  const data = cpuBits(first);
  let vendor = first.vendor === undefined ? undefined : knownVendor(first.vendor);
  let outputVendor = first.vendor !== undefined;
  const names = [first.model];
  for (const cpu of cpus.slice(1)) {
    if (!names.includes(cpu.model)) names.push(cpu.model);
    const bits = cpuBits(cpu);
    const modelVendor = map().byName.get(cpu.model)!.vendor;
    if (cpu.vendor !== undefined && modelVendor !== undefined && cpu.vendor !== modelVendor) {
      throw failed(`CPU vendor ${modelVendor} of model ${cpu.model} differs from vendor ${cpu.vendor}`);
    }
    if (cpu.vendor === undefined) outputVendor = false;
    const vn = cpu.vendor ?? modelVendor;
    if (vn !== undefined && vendor === undefined) vendor = knownVendor(vn);
    else if (vn !== undefined && vendor !== vn) throw failed('CPU vendors do not match');
    for (const b of data) if (!bits.has(b)) data.delete(b);
  }
  if (data.size === 0) throw failed('CPUs are incompatible');
  if (vendor !== undefined) data.add(vendorBit(vendor));
  const decoded = decode(data, names);
  const model = decoded.best.model.name;
  return {
    model,
    fallback: names.length === 1 && model === names[0] ? 'forbid' : 'allow',
    ...(outputVendor && decoded.vendor !== undefined ? { vendor: decoded.vendor } : {}),
    features: decoded.best.features,
  };
}

/** Every feature of the model written out (required), the CPU's own policies over them, removed ones disabled, sorted by name. */
function expandFeatures(cpu: GuestCpuDef): GuestCpuDef {
  const model = map().byName.get(cpu.model)!;
  const features = featuresIn(modelBits(model), 'require');
  for (const f of cpu.features) {
    const at = features.findIndex((x) => x.name === f.name);
    if (at < 0) features.push(f);
    else features[at] = f;
  }
  for (const name of model.removed) if (!features.some((f) => f.name === name)) features.push({ policy: 'disable', name });
  return { ...cpu, features: features.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/** Architectures by CPU driver, as libvirt groups them. */
const X86 = new Set(['i686', 'x86_64']);
const PPC64 = new Set(['ppc64', 'ppc64le']);
const ARM = new Set(['armv6l', 'armv7l', 'armv7b', 'aarch64']);

/** POWER baselines keep the one model all CPUs share; ARM ones take the first CPU's model. */
function otherBaseline(cpus: readonly HostCpuDef[]): GuestCpuDef {
  const arch = cpus[0]!.arch;
  const model = cpus[0]!.model;
  if (ARM.has(arch)) return { model, fallback: 'allow', features: [] };
  if (!PPC64.has(arch)) throw new VirError(ErrorCode.NO_SUPPORT, `cannot compute baseline CPU of ${arch} architecture`, C);
  if (cpus.some((c) => c.model !== model)) throw failed('CPUs are incompatible');
  return { model, fallback: 'forbid', features: [] };
}

/** testConnectBaselineCPU: the CPU every one of `xmlCPUs` (host CPU descriptions) can provide. */
export function baselineCPU(xmlCPUs: readonly string[], flags: number): string {
  checkFlags(flags, EXPAND_FEATURES, 'testConnectBaselineCPU', ErrorDomain.TEST);
  const cpus = xmlCPUs.map(parseHostCpuXML);
  if (cpus.length === 0) throw new VirError(ErrorCode.INVALID_ARG, 'no CPUs given', C);
  if (!X86.has(cpus[0]!.arch)) return formatGuestCpuXML(otherBaseline(cpus));
  const cpu = x86Baseline(cpus);
  return formatGuestCpuXML(flags & EXPAND_FEATURES ? expandFeatures(cpu) : cpu);
}
