import { NODE_DEVICE, nodeDeviceFields, parseLabelled, validateXML, withNodeDeviceFields, type NodeDeviceDef, type NodeDeviceFields } from '@tsvirt/conf';
import { NodeDeviceCreateXMLFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';

const D = ErrorDomain.TEST;
/** libvirt names a device being created that has no name yet so in its messages. */
const NEW_DEVICE = 'new device';

type Capability = NonNullable<NodeDeviceFields['capabilities']>[number];
type NestedCapability = NonNullable<Capability['capabilities']>[number];

const internal = (detail: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, detail, ErrorDomain.NODEDEV);

const scsiHostCap = (dev: NodeDeviceFields): Capability | undefined => dev.capabilities?.find((c) => c.type === 'scsi_host');
const nested = (cap: Capability | undefined, type: string): NestedCapability | undefined => cap?.capabilities?.find((c) => c.type === type);

/** A scsi_host's fibre channel names and whether it can create vports. */
function hbaFacts(def: NodeDeviceDef): { wwnn?: string; wwpn?: string; fabric?: string; vports: boolean } {
  const cap = scsiHostCap(nodeDeviceFields(def));
  const fc = nested(cap, 'fc_host');
  const vports = nested(cap, 'vport_ops') !== undefined;
  return { ...(fc ? { wwnn: fc.wwnn, wwpn: fc.wwpn, fabric: fc.fabricWwn } : {}), vports };
}

/** The parent a vHBA definition names (by name, by WWNs or by the fabric of one that makes vports), else the first HBA that can make vports. */
function parentHost(devs: readonly NodeDeviceDef[], named: NodeDeviceFields['parent']): NodeDeviceDef {
  const name = named?.name ?? '';
  const { wwnn, wwpn, fabricWwn: fabric } = named ?? {};
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

/** The device's capabilities with the WWNs of its scsi_host's fc_host replaced. */
function withWWNs(caps: readonly Capability[], wwnn: string, wwpn: string): Capability[] {
  return caps.map((c) => (c.type !== 'scsi_host' ? c : {
    ...c, capabilities: c.capabilities?.map((n) => (n.type === 'fc_host' ? { ...n, wwnn, wwpn } : n)),
  }));
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
  const asked = NODE_DEVICE.parse(root);
  const fc = nested(scsiHostCap(asked), 'fc_host');
  const wwnn = fc?.wwnn;
  const wwpn = fc?.wwpn;
  if (fc && !wwnn) throw internal(`no WWNN supplied for '${NEW_DEVICE}', and auto-generation failed`);
  if (fc && !wwpn) throw internal(`no WWPN supplied for '${NEW_DEVICE}', and auto-generation failed`);
  if (!fc || !wwnn || !wwpn) throw internal('Device is not a fibre channel HBA');
  parentHost(devs, asked.parent);
  const model = devs.find((d) => d.name === 'scsi_host11');
  if (!model) throw new VirError(ErrorCode.INTERNAL_ERROR, undefined, D, { message: 'An error occurred, but the cause is unknown' });
  const fields = nodeDeviceFields(model);
  const def = withNodeDeviceFields(model, { ...fields, name: 'scsi_host12', capabilities: withWWNs(fields.capabilities ?? [], wwnn, wwpn) });
  const existing = devs.findIndex((d) => d.name === def.name);
  if (existing >= 0) devs[existing] = def;
  else devs.unshift(def);
  return def;
}
