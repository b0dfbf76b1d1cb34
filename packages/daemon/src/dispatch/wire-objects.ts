import { Domain, Network, StoragePool, StorageVol, type Connection, type DomainRef } from '@tsvirt/api';
import type { remote } from '@tsvirt/remote/protocol';

/** A UUID's 16 bytes from its text form. */
export function uuidBytes(uuid: string): Uint8Array {
  return Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
}

/** A UUID's text form (`8-4-4-4-12` lower-case hex) from its 16 bytes. */
export function uuidText(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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
