import {
  Domain, DomainCheckpoint, DomainSnapshot, Interface, Network, NodeDevice, NWFilter, NWFilterBinding, Secret, StoragePool, StorageVol,
  type Connection, type DomainRef,
} from '@tsvirt/api';
import type { remote } from '@tsvirt/remote/protocol';

/** Two lower-case hex digits of each byte value. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A hex digit's value (either case); -1 for any other character. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * A UUID's 16 bytes from its text form (dashes anywhere are skipped; a digit that is not hex
 * reads as 0). Every domain, network, pool and secret of a reply goes through here and
 * `uuidText`: a listing of 20 domains calls each 20 times, so neither goes through Buffer.
 */
export function uuidBytes(uuid: string): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0, j = 0; i < 16 && j < uuid.length; i++) {
    while (uuid.charCodeAt(j) === 45) j++;
    out[i] = (Math.max(nibble(uuid.charCodeAt(j)), 0) << 4) | Math.max(nibble(uuid.charCodeAt(j + 1)), 0);
    j += 2;
  }
  return out;
}

/** A UUID's text form (`8-4-4-4-12` lower-case hex) from its 16 bytes. */
export function uuidText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[i] ?? 0];
  }
  return s;
}

/** A domain as the wire names it (remote_nonnull_domain). */
export function wireDomain(d: Domain | DomainRef): remote.remote_nonnull_domain {
  const ref = d instanceof Domain ? d.ref : d;
  return { name: ref.name, uuid: uuidBytes(ref.uuid), id: ref.id };
}

/**
 * The handle a wire domain names, made without a lookup as libvirt's server makes it
 * (get_nonnull_domain): the driver finds the domain by UUID when the call reaches it.
 */
export function domainOf(conn: Connection, d: remote.remote_nonnull_domain): Domain {
  return new Domain(conn, { name: d.name, uuid: uuidText(d.uuid), id: d.id });
}

/** A network as the wire names it. */
export function wireNetwork(n: Network): remote.remote_nonnull_network {
  return { name: n.ref.name, uuid: uuidBytes(n.ref.uuid) };
}
export function networkOf(conn: Connection, n: remote.remote_nonnull_network): Network {
  return new Network(conn, { name: n.name, uuid: uuidText(n.uuid) });
}

/** A storage pool as the wire names it. */
export function wirePool(p: StoragePool): remote.remote_nonnull_storage_pool {
  return { name: p.ref.name, uuid: uuidBytes(p.ref.uuid) };
}
export function poolOf(conn: Connection, p: remote.remote_nonnull_storage_pool): StoragePool {
  return new StoragePool(conn, { name: p.name, uuid: uuidText(p.uuid) });
}

/** A storage volume as the wire names it (pool name, name, key). */
export function wireVol(v: StorageVol): remote.remote_nonnull_storage_vol {
  return { pool: v.ref.pool, name: v.ref.name, key: v.ref.key };
}
export function volOf(conn: Connection, v: remote.remote_nonnull_storage_vol): StorageVol {
  return new StorageVol(conn, { pool: v.pool, name: v.name, key: v.key });
}

/** A snapshot as the wire names it (its name and domain). */
export function wireSnapshot(s: DomainSnapshot): remote.remote_nonnull_domain_snapshot {
  return { name: s.getName(), dom: wireDomain(s.getDomain()) };
}
export function snapshotOf(conn: Connection, s: remote.remote_nonnull_domain_snapshot): DomainSnapshot {
  return new DomainSnapshot(domainOf(conn, s.dom), s.name);
}

/** A checkpoint as the wire names it. */
export function wireCheckpoint(c: DomainCheckpoint): remote.remote_nonnull_domain_checkpoint {
  return { name: c.getName(), dom: wireDomain(c.getDomain()) };
}
export function checkpointOf(conn: Connection, c: remote.remote_nonnull_domain_checkpoint): DomainCheckpoint {
  return new DomainCheckpoint(domainOf(conn, c.dom), c.name);
}

/** A host interface (name and MAC). */
export function wireInterface(i: Interface): remote.remote_nonnull_interface {
  return { name: i.ref.name, mac: i.ref.mac };
}
export function interfaceOf(conn: Connection, i: remote.remote_nonnull_interface): Interface {
  return new Interface(conn, { name: i.name, mac: i.mac });
}

/** A node device, named by its name only. */
export function wireNodeDevice(d: NodeDevice): remote.remote_nonnull_node_device {
  return { name: d.ref.name };
}
export function nodeDeviceOf(conn: Connection, name: string): NodeDevice {
  return new NodeDevice(conn, { name });
}

/** A secret (UUID and usage). */
export function wireSecret(s: Secret): remote.remote_nonnull_secret {
  return { uuid: uuidBytes(s.ref.uuid), usageType: s.ref.usageType, usageID: s.ref.usageID };
}
export function secretOf(conn: Connection, s: remote.remote_nonnull_secret): Secret {
  return new Secret(conn, { uuid: uuidText(s.uuid), usageType: s.usageType, usageID: s.usageID });
}

/** A network filter (name and UUID) and a filter binding (port device and filter name). */
export function wireNWFilter(f: NWFilter): remote.remote_nonnull_nwfilter {
  return { name: f.ref.name, uuid: uuidBytes(f.ref.uuid) };
}
export function nwfilterOf(conn: Connection, f: remote.remote_nonnull_nwfilter): NWFilter {
  return new NWFilter(conn, { name: f.name, uuid: uuidText(f.uuid) });
}
export function wireBinding(b: NWFilterBinding): remote.remote_nonnull_nwfilter_binding {
  return { portdev: b.ref.portdev, filtername: b.ref.filtername };
}
export function bindingOf(conn: Connection, b: remote.remote_nonnull_nwfilter_binding): NWFilterBinding {
  return new NWFilterBinding(conn, { portdev: b.portdev, filtername: b.filtername });
}
