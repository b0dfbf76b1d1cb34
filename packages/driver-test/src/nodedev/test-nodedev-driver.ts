import { formatNodeDeviceXML, nodeDeviceFields, type NodeDeviceDef } from '@tsvirt/conf';
import { NODE_DEVICE_CAPS, type NodeDeviceDriver, type NodeDeviceRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { createVHBA } from './vhba.js';
import { LazySeed } from '../lazy-seed.js';

const D = ErrorDomain.TEST;
/**
 * libvirt 9.0's test driver filters on capabilities only: it refuses the ACTIVE and INACTIVE bits,
 * which `virsh nodedev-list` always sends, so that command fails against it.
 */
const CAP_FLAGS = NODE_DEVICE_CAPS.reduce((m, [, bit]) => m | bit, 0);

/** Nested capabilities a listing filter matches too, though virNodeDeviceListCaps does not name them. */
const NESTED_FILTER_CAPS: Readonly<Record<string, string>> = { fc_host: 'fc_host', vport_ops: 'vports' };

function filterCaps(def: NodeDeviceDef): string[] {
  const nested = (nodeDeviceFields(def).capabilities ?? [])
    .flatMap((c) => c.capabilities ?? [])
    .flatMap((c) => NESTED_FILTER_CAPS[c.type ?? ''] ?? []);
  return [...def.caps, ...nested];
}

/** The node devices of one mock host. */
export class TestNodeDevices {
  /** The host's own devices, added at first use. */
  readonly seed = new LazySeed<TestNodeDevices>();
  readonly #list: NodeDeviceDef[] = [];

  get list(): NodeDeviceDef[] {
    this.seed.run(this);
    return this.#list;
  }

  byName(name: string): NodeDeviceDef {
    const dev = this.list.find((d) => d.name === name);
    if (!dev) throw new VirError(ErrorCode.NO_NODE_DEVICE, `no node device with matching name '${name}'`, ErrorDomain.TEST);
    return dev;
  }
}

/** The node device entry points of libvirt 9.0's test driver (no state, autostart or WWN lookups). */
export class TestNodeDeviceDriver implements NodeDeviceDriver {
  constructor(private readonly devs: TestNodeDevices) {}

  async connectListAllNodeDevices(flags: number): Promise<NodeDeviceRef[]> {
    checkFlags(flags, CAP_FLAGS, 'testConnectListAllNodeDevices', D);
    const wanted = NODE_DEVICE_CAPS.filter(([, bit]) => flags & bit).map(([name]) => name);
    return this.devs.list
      .filter((d) => wanted.length === 0 || filterCaps(d).some((c) => wanted.includes(c)))
      .map((d) => ({ name: d.name }));
  }
  async nodeDeviceCreateXML(xml: string, flags: number): Promise<NodeDeviceRef> {
    return { name: (await createVHBA(this.devs.list, xml, flags)).name };
  }
  async nodeDeviceLookupByName(name: string): Promise<NodeDeviceRef> {
    return { name: this.devs.byName(name).name };
  }
  async nodeDeviceGetXMLDesc(dev: NodeDeviceRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'testNodeDeviceGetXMLDesc', D);
    return formatNodeDeviceXML(this.devs.byName(dev.name));
  }
  async nodeDeviceGetParent(dev: NodeDeviceRef): Promise<string | undefined> {
    return this.devs.byName(dev.name).parent;
  }
  async nodeDeviceListCaps(dev: NodeDeviceRef): Promise<string[]> {
    return [...this.devs.byName(dev.name).caps];
  }
  /** libvirt 9.0's test driver removes a device it is asked to destroy, except the root, which it leaves but reports destroyed. */
  async nodeDeviceDestroy(dev: NodeDeviceRef): Promise<void> {
    const def = this.devs.byName(dev.name);
    if (def.parent !== undefined) this.devs.list.splice(this.devs.list.indexOf(def), 1);
  }
}
