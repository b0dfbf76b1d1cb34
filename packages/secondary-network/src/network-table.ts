import type { NetworkDef } from '@tsvirt/conf';
import type { NetworkRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isActive, type NetworkObject } from './network-store.js';
import type { NetworkStatus } from './network-status.js';

const D = ErrorDomain.NETWORK;

export const networkRef = (obj: NetworkObject): NetworkRef => ({ name: obj.def.name, uuid: obj.def.uuid });

/** A network that must be running. */
export function requireActive(obj: NetworkObject): NetworkObject & { status: NetworkStatus } {
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, `network '${obj.def.name}' is not active`, D);
  return obj;
}

/** The networks of a root as loaded for one call, with libvirt's lookups and duplicate rules. */
export class NetworkTable {
  constructor(readonly networks: readonly NetworkObject[]) {}

  byName(name: string): NetworkObject {
    const obj = this.networks.find((n) => n.def.name === name);
    if (!obj) throw new VirError(ErrorCode.NO_NETWORK, `no network with matching name '${name}'`, D);
    return obj;
  }
  byUUID(uuid: string): NetworkObject {
    const obj = this.networks.find((n) => n.def.uuid === uuid);
    if (!obj) throw new VirError(ErrorCode.NO_NETWORK, `no network with matching uuid '${uuid}'`, D);
    return obj;
  }
  /** The network behind a handle: found by UUID, the message naming both (libvirt's networkObjFromNetwork). */
  of(ref: NetworkRef): NetworkObject {
    const obj = this.networks.find((n) => n.def.uuid === ref.uuid);
    if (!obj) throw new VirError(ErrorCode.NO_NETWORK, `no network with matching uuid '${ref.uuid}' (${ref.name})`, D);
    return obj;
  }
  active(): Array<NetworkObject & { status: NetworkStatus }> {
    return this.networks.filter(isActive);
  }

  /**
   * The network a new definition replaces (undefined when new), with libvirt's rules: a UUID may
   * not move to another name nor a name to another UUID, `live` (createXML) refuses a running
   * network, and no other network may claim the same bridge.
   */
  existing(def: NetworkDef, live: boolean): NetworkObject | undefined {
    const sameUUID = this.networks.find((n) => n.def.uuid === def.uuid);
    if (sameUUID && sameUUID.def.name !== def.name) {
      throw new VirError(ErrorCode.OPERATION_FAILED, `network '${sameUUID.def.name}' is already defined with uuid ${def.uuid}`, D);
    }
    if (sameUUID && live && isActive(sameUUID)) throw new VirError(ErrorCode.OPERATION_INVALID, `network is already active as '${def.name}'`, D);
    const sameName = this.networks.find((n) => n.def.name === def.name);
    if (!sameUUID && sameName) {
      throw new VirError(ErrorCode.OPERATION_FAILED, `network '${def.name}' already exists with uuid ${sameName.def.uuid}`, D);
    }
    if (def.bridge !== undefined && def.forwardMode !== 'bridge') {
      const clash = this.networks.find((n) => n.def.name !== def.name && n.def.bridge === def.bridge && n.def.forwardMode !== 'bridge');
      if (clash) throw new VirError(ErrorCode.INTERNAL_ERROR, `bridge name '${def.bridge}' already in use.`, D);
    }
    return sameUUID;
  }

  /** The first `virbrN` no network claims and no host interface has (libvirt's bridge name template). */
  freeBridgeName(hostHas: (name: string) => boolean): string {
    const used = new Set(this.networks.flatMap((n) => [n.def.bridge, n.config?.bridge]));
    for (let i = 0; ; i++) {
      const name = `virbr${i}`;
      if (!used.has(name) && !hostHas(name)) return name;
    }
  }
}
