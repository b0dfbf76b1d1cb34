import { mapPacked } from '../packed.js';
import { element, textNode, type XmlElement } from '../xml/xml-node.js';
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

/** The typed fields as elements, each built over the element it was parsed from so nothing else is lost. */
function typedElements(def: DomainDef): XmlElement[] {
  const src = def.source ?? {};
  const osType = src.os?.children.find((c): c is XmlElement => c.kind === 'element' && c.name === 'type');
  const memory = (name: string, kib: number): XmlElement => patchElement(src[name], name, { unit: 'KiB' }, String(kib));
  return [
    text('name', def.name),
    text('uuid', def.uuid),
    ...(def.title !== undefined ? [text('title', def.title)] : []),
    ...(def.description !== undefined ? [text('description', def.description)] : []),
    memory('memory', def.memoryKiB),
    memory('currentMemory', def.currentMemoryKiB),
    patchElement(src.vcpu, 'vcpu', {
      placement: def.vcpu.placement,
      cpuset: def.vcpu.cpuset,
      current: def.vcpu.current !== undefined && def.vcpu.current !== def.vcpu.count ? String(def.vcpu.current) : undefined,
    }, String(def.vcpu.count)),
    ...(def.vcpu.vcpus ? [vcpusElement(def.vcpu.vcpus)] : []),
    patchElement(src.os, 'os', {}, undefined, [
      patchElement(osType, 'type', { arch: def.os.arch, machine: def.os.machine }, def.os.type),
      ...def.os.other,
      ...mapPacked(def.os.boot, (dev) => element('boot', [['dev', dev]])),
    ]),
    patchElement(src.clock, 'clock', { offset: def.clockOffset }),
    text('on_poweroff', def.onPoweroff),
    text('on_reboot', def.onReboot),
    text('on_crash', def.onCrash),
  ];
}

/** The `<domain>` element tree of a DomainDef, before layout. */
export function domainElement(def: DomainDef, opts: DomainFormatOptions = {}): XmlElement {
  const attrs: Array<[string, string]> = [['type', def.type]];
  if (opts.id !== undefined && !opts.inactive) attrs.push(['id', String(opts.id)]);
  const children = [...typedElements(def), patchElement(def.source?.devices, 'devices', {}, undefined, def.devices), ...def.other];
  return element('domain', [...attrs, ...def.rootAttrs], children);
}

/** Formats a DomainDef as libvirt's canonical `<domain>` XML. */
export function formatDomainXML(def: DomainDef, opts: DomainFormatOptions = {}): string {
  return formatXml(domainElement(def, opts), 0, DOMAIN_SPEC);
}
