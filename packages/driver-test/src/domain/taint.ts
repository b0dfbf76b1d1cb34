import { devicesOf, domainPart, otherPart, type DomainDef } from '@tsvirt/conf';
import { DomainMessageType } from '@tsvirt/api';
import { checkFlags, ErrorDomain } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';

/**
 * libvirt's taint reasons the test driver detects, in libvirt's order (virDomainTaintFlags), read
 * through conf's models. They run once, as a custom config is loaded, so the models' cost is not
 * paid per call.
 */
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
 * testDomainObjCheckTaint: what libvirt's test driver records about a domain of a custom config as
 * it loads it (running or not), in libvirt's order.
 */
export function checkTaint(obj: DomainObject): void {
  const { def } = obj;
  obj.taints = TAINTS.filter(([, applies]) => applies(def)).map(([m]) => m);
  obj.deprecations = deprecations(def);
}

/**
 * testDomainGetMessages: the taints, then the deprecations, recorded when the domain was loaded,
 * whatever its state; nothing is worked out per call.
 */
export function domainMessages(obj: DomainObject, flags: number): string[] {
  checkFlags(flags, DomainMessageType.DEPRECATION | DomainMessageType.TAINTING, 'testDomainGetMessages', ErrorDomain.TEST);
  const all = flags === 0;
  return [
    ...(all || flags & DomainMessageType.TAINTING ? obj.taints.map((m) => `tainted: ${m}`) : []),
    ...(all || flags & DomainMessageType.DEPRECATION ? obj.deprecations.map((d) => `deprecated configuration: ${d}`) : []),
  ];
}
