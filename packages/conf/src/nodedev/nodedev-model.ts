import { attr, body, child, childText, list, model, type Typed } from '../model/binding.js';
import type { NodeDeviceDef } from './nodedev-def.js';

/** A capability nested in a top-level one: `fc_host` (with its WWNs) and `vport_ops` (with its counts) in a `scsi_host`. */
const NESTED_CAPABILITY = {
  type: attr('type'), wwnn: childText('wwnn'), wwpn: childText('wwpn'), fabricWwn: childText('fabric_wwn'),
  maxVports: childText('max_vports'), vports: childText('vports'),
};

/** The vendor and version of a `system` capability's `<hardware>` and `<firmware>`. */
const PRODUCT = { vendor: childText('vendor'), version: childText('version') };

/**
 * `<device>`, a host device: its name, its parent (by name, or for a vHBA by the WWNs or fabric of
 * the HBA that makes it) and its capabilities. Fields are in libvirt's order, so a device made of
 * fields alone is written as virNodeDeviceDefFormat prints it. Numbers stay text, as written: a
 * custom config's devices are listed whatever they hold.
 */
export const NODE_DEVICE = model('device', () => ({
  name: childText('name'),
  parent: child('parent', { name: body(), wwnn: attr('wwnn'), wwpn: attr('wwpn'), fabricWwn: attr('fabric_wwn') }),
  capabilities: list('capability', {
    type: attr('type'),
    hardware: child('hardware', { ...PRODUCT, serial: childText('serial'), uuid: childText('uuid') }),
    firmware: child('firmware', { ...PRODUCT, releaseDate: childText('release_date') }),
    host: childText('host'),
    uniqueId: childText('unique_id'),
    capabilities: list('capability', NESTED_CAPABILITY),
  }),
}), { newInShapeOrder: true });

export type NodeDeviceFields = Typed<typeof NODE_DEVICE.shape>;

/** The typed view of a node device. */
export function nodeDeviceFields(def: NodeDeviceDef): NodeDeviceFields {
  return NODE_DEVICE.parse(def.xml);
}

/** A node device made of typed fields alone (libvirt's own devices, the test driver's host). */
export function newNodeDevice(fields: Omit<NodeDeviceFields, 'xml'>): NodeDeviceDef {
  const parent = fields.parent?.name;
  return {
    name: fields.name ?? '',
    ...(parent ? { parent } : {}),
    caps: (fields.capabilities ?? []).flatMap((c) => c.type ?? []),
    xml: NODE_DEVICE.format(fields),
  };
}

/** A copy of the device with its typed fields replaced, written over its document; `name` follows. */
export function withNodeDeviceFields(def: NodeDeviceDef, fields: NodeDeviceFields): NodeDeviceDef {
  return { ...def, name: fields.name ?? def.name, caps: [...def.caps], xml: NODE_DEVICE.format({ ...fields, xml: def.xml }) };
}
