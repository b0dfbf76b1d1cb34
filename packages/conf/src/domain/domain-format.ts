import { element, textNode, type XmlElement } from '../xml/xml-node.js';
import { formatXml } from '../xml/xml-format.js';
import type { DomainDef } from './domain-def.js';

export interface DomainFormatOptions {
  /** The running domain's id; omitted for an inactive domain or with `inactive`. */
  id?: number;
  /** Format the persistent definition: no runtime attributes. */
  inactive?: boolean;
}

/** libvirt's order of the top-level elements of `<domain>`; unknown elements follow them. */
const ORDER = ['name', 'uuid', 'genid', 'title', 'description', 'metadata', 'maxMemory', 'memory', 'currentMemory',
  'blkiotune', 'memtune', 'memoryBacking', 'vcpu', 'vcpus', 'iothreads', 'iothreadids', 'cputune', 'numatune',
  'resource', 'sysinfo', 'bootloader', 'bootloader_args', 'os', 'idmap', 'features', 'cpu', 'clock', 'on_poweroff',
  'on_reboot', 'on_crash', 'on_lockfailure', 'pm', 'perf', 'devices', 'seclabel', 'keywrap', 'launchSecurity'];

const text = (name: string, value: string, attrs: Array<[string, string]> = []): XmlElement =>
  element(name, attrs, [textNode(value)]);

function typedElements(def: DomainDef): XmlElement[] {
  const vcpuAttrs: Array<[string, string]> = [['placement', def.vcpu.placement]];
  if (def.vcpu.cpuset !== undefined) vcpuAttrs.push(['cpuset', def.vcpu.cpuset]);
  if (def.vcpu.current !== undefined && def.vcpu.current !== def.vcpu.count) vcpuAttrs.push(['current', String(def.vcpu.current)]);
  const osTypeAttrs: Array<[string, string]> = [];
  if (def.os.arch !== undefined) osTypeAttrs.push(['arch', def.os.arch]);
  if (def.os.machine !== undefined) osTypeAttrs.push(['machine', def.os.machine]);
  const els = [
    text('name', def.name),
    text('uuid', def.uuid),
    ...(def.title !== undefined ? [text('title', def.title)] : []),
    ...(def.description !== undefined ? [text('description', def.description)] : []),
    text('memory', String(def.memoryKiB), [['unit', 'KiB']]),
    text('currentMemory', String(def.currentMemoryKiB), [['unit', 'KiB']]),
    text('vcpu', String(def.vcpu.count), vcpuAttrs),
    element('os', [], [
      text('type', def.os.type, osTypeAttrs),
      ...def.os.other,
      ...def.os.boot.map((dev) => element('boot', [['dev', dev]])),
    ]),
    element('clock', [['offset', def.clockOffset]]),
    text('on_poweroff', def.onPoweroff),
    text('on_reboot', def.onReboot),
    text('on_crash', def.onCrash),
  ];
  return els;
}

/** Formats a DomainDef as libvirt's canonical `<domain>` XML. */
export function formatDomainXML(def: DomainDef, opts: DomainFormatOptions = {}): string {
  const children = [...typedElements(def), ...def.other];
  const rank = (e: XmlElement): number => {
    const i = ORDER.indexOf(e.name);
    return i < 0 ? ORDER.length : i;
  };
  children.sort((a, b) => rank(a) - rank(b));
  const devices = element('devices', [], def.devices);
  const at = children.findIndex((c) => rank(c) > ORDER.indexOf('devices'));
  children.splice(at < 0 ? children.length : at, 0, devices);
  const attrs: Array<[string, string]> = [['type', def.type]];
  if (opts.id !== undefined && !opts.inactive) attrs.push(['id', String(opts.id)]);
  const body = formatXml(element('domain', [...attrs, ...def.rootAttrs], children));
  // libvirt always opens <devices> on its own line, even when it holds nothing.
  return body.replace(/^( *)<devices\/>$/m, '$1<devices>\n$1</devices>');
}
