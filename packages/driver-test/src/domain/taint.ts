import { attr, firstChild, otherPart, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { DomainMessageType } from '@tsvirt/api';
import { checkFlags, ErrorDomain } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';

/** Whether some device element of `kind` passes `test`. */
function anyDevice(def: DomainDef, kind: string, test: (el: XmlElement) => boolean): boolean {
  const { devices } = def;
  for (let i = 0; i < devices.length; i++) if (devices[i]!.name === kind && test(devices[i]!)) return true;
  return false;
}

/** Whether an element has text, which conf's model reads as a value (`<dtb>` of `<os>`). */
const hasText = (el: XmlElement | undefined): boolean => el !== undefined && el.children.some((c) => c.kind === 'text');

/**
 * libvirt's taint reasons the test driver detects, in libvirt's order (virDomainTaintFlags). Each
 * reads the attribute or child conf's model would read, on the stored elements: the definition was
 * parsed and checked already, so the values are the model's (`rawio` is `yes` or `no`), and the
 * domain is not formatted again to be read.
 */
const TAINTS: ReadonlyArray<[message: string, applies: (def: DomainDef) => boolean]> = [
  ['running with undesirable elevated privileges', (def) => anyDevice(def, 'disk', (d) => attr(d, 'rawio') === 'yes')],
  ['network configuration using opaque shell scripts',
    (def) => anyDevice(def, 'interface', (d) => { const s = firstChild(d, 'script'); return s !== undefined && attr(s, 'path') !== undefined; })],
  ['use of host cdrom passthrough', (def) => anyDevice(def, 'disk', (d) => attr(d, 'device') === 'cdrom' && attr(d, 'type') === 'block')],
  // `<os>` formats its other children in order after `<type>`: its first `<dtb>` is theirs.
  ['custom device tree blob used', (def) => hasText(def.os.other.find((e) => e.name === 'dtb'))],
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
