import { attr, childElements, element, firstChild, parseLabelled, textNode, textOf, validateXML, type NodeDeviceDef, type XmlElement } from '@tsvirt/conf';
import { NodeDeviceCreateXMLFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';

const D = ErrorDomain.TEST;
/** libvirt names a device being created that has no name yet so in its messages. */
const NEW_DEVICE = 'new device';

const internal = (detail: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, detail, ErrorDomain.NODEDEV);

function fcHostOf(cap: XmlElement | undefined): XmlElement | undefined {
  return cap && childElements(cap, 'capability').find((c) => attr(c, 'type') === 'fc_host');
}
const scsiHostCap = (root: XmlElement): XmlElement | undefined => childElements(root, 'capability').find((c) => attr(c, 'type') === 'scsi_host');
const text = (el: XmlElement | undefined, name: string): string | undefined => {
  const child = el && firstChild(el, name);
  return child && textOf(child).trim();
};

/** A scsi_host's fibre channel names and whether it can create vports. */
function hbaFacts(def: NodeDeviceDef): { wwnn?: string; wwpn?: string; fabric?: string; vports: boolean } {
  const cap = scsiHostCap(def.xml);
  const fc = fcHostOf(cap);
  const vports = cap !== undefined && childElements(cap, 'capability').some((c) => attr(c, 'type') === 'vport_ops');
  return { ...(fc ? { wwnn: text(fc, 'wwnn'), wwpn: text(fc, 'wwpn'), fabric: text(fc, 'fabric_wwn') } : {}), vports };
}

/** The parent a vHBA definition names (by name, by WWNs or by the fabric of one that makes vports), else the first HBA that can make vports. */
function parentHost(devs: readonly NodeDeviceDef[], parentEl: XmlElement | undefined): NodeDeviceDef {
  const name = parentEl ? textOf(parentEl).trim() : '';
  const [wwnn, wwpn, fabric] = [parentEl && attr(parentEl, 'wwnn'), parentEl && attr(parentEl, 'wwpn'), parentEl && attr(parentEl, 'fabric_wwn')];
  let parent: NodeDeviceDef | undefined;
  if (name) parent = devs.find((d) => d.name === name);
  else if (wwnn && wwpn) parent = devs.find((d) => hbaFacts(d).wwnn === wwnn && hbaFacts(d).wwpn === wwpn);
  else if (fabric) parent = devs.find((d) => hbaFacts(d).vports && hbaFacts(d).fabric === fabric);
  else {
    parent = devs.find((d) => hbaFacts(d).vports);
    if (!parent) throw internal('Could not find any vport capable device');
  }
  if (!parent) throw internal(`Could not find parent device for '${NEW_DEVICE}'`);
  if (!hbaFacts(parent).vports) throw internal(`Parent device ${parent.name} is not capable of vport operations`);
  return parent;
}

/** Sets the text of `el`'s first child `name`. */
function setText(el: XmlElement, name: string, value: string): void {
  const child = firstChild(el, name);
  if (child) child.children = [textNode(value)];
  else el.children.push(element(name, [], [textNode(value)]));
}

/**
 * virNodeDeviceCreateXML as libvirt 9.0's test driver has it: only a vHBA can be created. The
 * definition must name fibre channel WWNs and a parent that can make vports; the new device is a
 * copy of `scsi_host11` named `scsi_host12` with the requested WWNs (a second creation replaces it).
 */
export async function createVHBA(devs: NodeDeviceDef[], xml: string, flags: number): Promise<NodeDeviceDef> {
  checkFlags(flags, NodeDeviceCreateXMLFlags.VALIDATE, 'testNodeDeviceCreateXML', D);
  if (flags & NodeDeviceCreateXMLFlags.VALIDATE) await validateXML(xml, 'nodedev.rng');
  const root = parseLabelled(xml, '(node_device_definition)', ErrorDomain.NODEDEV);
  if (root.name !== 'device') throw new VirError(ErrorCode.XML_ERROR, `expecting root element of 'device', not '${root.name}'`, ErrorDomain.XML);
  const fc = fcHostOf(scsiHostCap(root));
  const wwnn = text(fc, 'wwnn');
  const wwpn = text(fc, 'wwpn');
  if (fc && !wwnn) throw internal(`no WWNN supplied for '${NEW_DEVICE}', and auto-generation failed`);
  if (fc && !wwpn) throw internal(`no WWPN supplied for '${NEW_DEVICE}', and auto-generation failed`);
  if (!fc || !wwnn || !wwpn) throw internal('Device is not a fibre channel HBA');
  parentHost(devs, firstChild(root, 'parent'));
  const model = devs.find((d) => d.name === 'scsi_host11');
  if (!model) throw new VirError(ErrorCode.INTERNAL_ERROR, undefined, D, { message: 'An error occurred, but the cause is unknown' });
  const copy = structuredClone(model.xml);
  setText(copy, 'name', 'scsi_host12');
  const copyFc = fcHostOf(scsiHostCap(copy))!;
  setText(copyFc, 'wwnn', wwnn);
  setText(copyFc, 'wwpn', wwpn);
  const def: NodeDeviceDef = { ...model, name: 'scsi_host12', caps: [...model.caps], xml: copy };
  const existing = devs.findIndex((d) => d.name === def.name);
  if (existing >= 0) devs[existing] = def;
  else devs.unshift(def);
  return def;
}
