import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { formatXml } from '../xml/xml-format.js';
import { CPU } from '../domain/parts/cpu.js';

/** A host CPU description as libvirt reads one (baseline and compare input): features carry no policy. */
export interface HostCpuDef {
  arch: string;
  model: string;
  vendor?: string;
  features: string[];
}

/** A guest CPU libvirt computed: `<cpu mode='custom' match='exact'>` with a model, maybe a vendor, and features. */
export interface GuestCpuDef {
  model: string;
  fallback: 'allow' | 'forbid';
  vendor?: string;
  features: Array<{ policy: 'require' | 'disable'; name: string }>;
}

const xmlError = (detail: string): VirError => new VirError(ErrorCode.XML_ERROR, detail, ErrorDomain.CPU);

/** Reads a `<cpu>` document as a host CPU, with libvirt's refusals (virCPUDefParseXML for a host). */
export function parseHostCpuXML(xml: string): HostCpuDef {
  const el = parseXml(xml, 'CPU_definition', ErrorDomain.CPU);
  if (el.name !== 'cpu') throw xmlError("XML does not contain expected 'cpu' element");
  const cpu = CPU.parse(el);
  if (cpu.mode !== undefined) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'Attribute mode is only allowed for guest CPU', ErrorDomain.CPU);
  if (!cpu.arch) throw xmlError('Missing CPU architecture');
  if (!cpu.model?.name) throw xmlError('Missing CPU model name');
  return {
    arch: cpu.arch.trim(),
    model: cpu.model.name,
    ...(cpu.vendor !== undefined ? { vendor: cpu.vendor } : {}),
    features: (cpu.features ?? []).map((f) => f.name ?? ''),
  };
}

/** A computed guest CPU as libvirt prints it (virCPUDefFormat). */
export function formatGuestCpuXML(cpu: GuestCpuDef): string {
  return formatXml(CPU.format({ mode: 'custom', match: 'exact', model: { name: cpu.model, fallback: cpu.fallback }, vendor: cpu.vendor, features: cpu.features }), 0);
}
