import { devicesOf, domainPart, otherPart, type DomainDef } from '@tsvirt/conf';
import { DomainMessageType } from '@tsvirt/api';
import { checkFlags, ErrorDomain } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';

/** libvirt's taint reasons the test driver detects, in libvirt's order (virDomainTaintFlags). */
const TAINTS: ReadonlyArray<[message: string, applies: (def: DomainDef) => boolean]> = [
  ['running with undesirable elevated privileges', (def) => devicesOf(def, 'disk').some((d) => d.rawio === true)],
  ['network configuration using opaque shell scripts', (def) => devicesOf(def, 'interface').some((d) => d.script !== undefined)],
  ['use of host cdrom passthrough', (def) => devicesOf(def, 'disk').some((d) => d.device === 'cdrom' && d.type === 'block')],
  ['custom device tree blob used', (def) => domainPart(def, 'os')?.dtb !== undefined],
  ['use of deprecated configuration settings', (def) => deprecations(def).length > 0],
];

/** The test driver's one deprecated setting: its pretend CPU model `Deprecated-Test`. */
function deprecations(def: DomainDef): string[] {
  return otherPart(def, 'cpu')?.model?.name?.trim() === 'Deprecated-Test' ? ['CPU model Deprecated-Test'] : [];
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
