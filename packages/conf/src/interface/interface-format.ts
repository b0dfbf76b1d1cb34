import { formatXml } from '../xml/xml-format.js';
import type { ElementSpec } from '../schema/element-spec.js';
import type { InterfaceDef } from './interface-def.js';

/** libvirt writes interfaces, protocols and bridges as open/close pairs even when empty; vlan's device reference not. */
const MEMBER: { expanded: true; children: Record<string, ElementSpec> } = { expanded: true, children: {} };
const CONTAINER: ElementSpec = { expanded: true, children: { interface: MEMBER } };
MEMBER.children.protocol = { expanded: true };
MEMBER.children.bridge = CONTAINER;
MEMBER.children.bond = CONTAINER;

/** Formats an InterfaceDef as libvirt's canonical `<interface>` XML (the parse already put it in libvirt's order). */
export function formatInterfaceXML(def: InterfaceDef): string {
  return formatXml(def.xml, 0, MEMBER);
}
