import { attr, firstChild, textOf, type DomainDef } from '@tsvirt/conf';
import { DomainMessageType } from '@tsvirt/api';
import { checkFlags, ErrorDomain } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';

/** libvirt's taint reasons the test driver detects, in libvirt's order (virDomainTaintFlags). */
const TAINTS: ReadonlyArray<[message: string, applies: (def: DomainDef) => boolean]> = [
  ['running with undesirable elevated privileges', (def) => disks(def).some((d) => attr(d, 'rawio') === 'yes')],
  ['network configuration using opaque shell scripts',
    (def) => def.devices.some((d) => d.name === 'interface' && firstChild(d, 'script') !== undefined)],
  ['use of host cdrom passthrough', (def) => disks(def).some((d) => attr(d, 'device') === 'cdrom' && attr(d, 'type') === 'block')],
  ['custom device tree blob used', (def) => def.os.other.some((e) => e.name === 'dtb')],
  ['use of deprecated configuration settings', (def) => deprecations(def).length > 0],
];

function disks(def: DomainDef): DomainDef['devices'] {
  return def.devices.filter((d) => d.name === 'disk');
}

/** The test driver's one deprecated setting: its pretend CPU model `Deprecated-Test`. */
function deprecations(def: DomainDef): string[] {
  const cpu = def.other.find((e) => e.name === 'cpu');
  const model = cpu && firstChild(cpu, 'model');
  return model && textOf(model).trim() === 'Deprecated-Test' ? ['CPU model Deprecated-Test'] : [];
}

/**
 * testDomainGetMessages: what the test driver found when it started the domain (taints, then
 * deprecations); nothing for a domain that is not running.
 */
export function domainMessages(obj: DomainObject, flags: number): string[] {
  checkFlags(flags, DomainMessageType.DEPRECATION | DomainMessageType.TAINTING, 'testDomainGetMessages', ErrorDomain.TEST);
  if (!isActive(obj)) return [];
  const all = flags === 0;
  return [
    ...(all || flags & DomainMessageType.TAINTING ? TAINTS.filter(([, applies]) => applies(obj.def)).map(([m]) => `tainted: ${m}`) : []),
    ...(all || flags & DomainMessageType.DEPRECATION ? deprecations(obj.def).map((d) => `deprecated configuration: ${d}`) : []),
  ];
}
