import { attr, body, child, childText, list, model, type Typed } from '../model/binding.js';
import type { NodeDeviceDef } from './nodedev-def.js';

/** A capability nested in a top-level one: `fc_host` (with its WWNs) and `vport_ops` in a `scsi_host`. */
const NESTED_CAPABILITY = { type: attr('type'), wwnn: childText('wwnn'), wwpn: childText('wwpn'), fabricWwn: childText('fabric_wwn') };

/**
 * `<device>`, a host device: its name, its parent (by name, or for a vHBA by the WWNs or fabric of
 * the HBA that makes it) and its capabilities.
 */
export const NODE_DEVICE = model('device', {
  name: childText('name'),
  parent: child('parent', { name: body(), wwnn: attr('wwnn'), wwpn: attr('wwpn'), fabricWwn: attr('fabric_wwn') }),
  capabilities: list('capability', { type: attr('type'), capabilities: list('capability', NESTED_CAPABILITY) }),
});

export type NodeDeviceFields = Typed<typeof NODE_DEVICE.shape>;

/** The typed view of a node device. */
export function nodeDeviceFields(def: NodeDeviceDef): NodeDeviceFields {
  return NODE_DEVICE.parse(def.xml);
}

/** A copy of the device with its typed fields replaced, written over its document; `name` follows. */
export function withNodeDeviceFields(def: NodeDeviceDef, fields: NodeDeviceFields): NodeDeviceDef {
  return { ...def, name: fields.name ?? def.name, caps: [...def.caps], xml: NODE_DEVICE.format({ ...fields, xml: def.xml }) };
}
