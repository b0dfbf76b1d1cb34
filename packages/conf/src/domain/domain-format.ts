import { element, firstChild, textNode, type XmlElement } from '../xml/xml-node.js';
import { formatXml } from '../xml/xml-format.js';
import { patchElement } from '../xml/xml-edit.js';
import { DOMAIN_SPEC } from '../schema/domain-spec.js';
import type { DomainDef } from './domain-def.js';
import { vcpusElement } from './vcpu-states.js';

export interface DomainFormatOptions {
  /** The running domain's id; omitted for an inactive domain or with `inactive`. */
  id?: number;
  /** Format the persistent definition: no runtime attributes. */
  inactive?: boolean;
}

const text = (name: string, value: string): XmlElement => element(name, [], [textNode(value)]);

/** Appends each of `items` to `out`. */
function pushAll<T>(out: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}

/**
 * The typed fields as elements, each built over the element it was parsed from so nothing else is
 * lost, appended to `out`. Pushes rather than spreads of conditional arrays: this runs for every
 * definition formatted, and spreads cost a temporary array each and a larger function to compile.
 */
function pushTypedElements(def: DomainDef, out: XmlElement[]): void {
  const src = def.source ?? {};
  const osType = src.os && firstChild(src.os, 'type');
  out.push(text('name', def.name), text('uuid', def.uuid));
  if (def.title !== undefined) out.push(text('title', def.title));
  if (def.description !== undefined) out.push(text('description', def.description));
  out.push(
    patchElement(src.memory, 'memory', { unit: 'KiB' }, String(def.memoryKiB)),
    patchElement(src.currentMemory, 'currentMemory', { unit: 'KiB' }, String(def.currentMemoryKiB)),
    patchElement(src.vcpu, 'vcpu', {
      placement: def.vcpu.placement,
      cpuset: def.vcpu.cpuset,
      current: def.vcpu.current !== undefined && def.vcpu.current !== def.vcpu.count ? String(def.vcpu.current) : undefined,
    }, String(def.vcpu.count)),
  );
  if (def.vcpu.vcpus) out.push(vcpusElement(def.vcpu.vcpus));
  const os = [patchElement(osType, 'type', { arch: def.os.arch, machine: def.os.machine }, def.os.type)];
  pushAll(os, def.os.other);
  for (let i = 0; i < def.os.boot.length; i++) os.push(element('boot', [['dev', def.os.boot[i]!]]));
  out.push(
    patchElement(src.os, 'os', {}, undefined, os),
    patchElement(src.clock, 'clock', { offset: def.clockOffset }),
    text('on_poweroff', def.onPoweroff),
    text('on_reboot', def.onReboot),
    text('on_crash', def.onCrash),
  );
}

/** The `<domain>` element tree of a DomainDef, before layout. */
export function domainElement(def: DomainDef, opts: DomainFormatOptions = {}): XmlElement {
  const attrs: Array<[string, string]> = [['type', def.type]];
  if (opts.id !== undefined && !opts.inactive) attrs.push(['id', String(opts.id)]);
  pushAll(attrs, def.rootAttrs);
  const children: XmlElement[] = [];
  pushTypedElements(def, children);
  children.push(patchElement(def.source?.devices, 'devices', {}, undefined, def.devices));
  pushAll(children, def.other);
  return element('domain', attrs, children);
}

/** Formats a DomainDef as libvirt's canonical `<domain>` XML. */
export function formatDomainXML(def: DomainDef, opts: DomainFormatOptions = {}): string {
  return formatXml(domainElement(def, opts), 0, DOMAIN_SPEC);
}
