import type { NetworkDef } from '@tsvirt/conf';
import type { NetworkRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { LazySeed } from '../lazy-seed.js';

/** One virtual network of the mock host (libvirt's virNetworkObj). */
export interface NetworkObject {
  def: NetworkDef;
  /** The persistent definition while it differs from the running one (libvirt's newDef). */
  newDef?: NetworkDef;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
}

export function networkRef(obj: NetworkObject): NetworkRef {
  return { name: obj.def.name, uuid: obj.def.uuid };
}

/** The networks of one mock host, with the lookups and the duplicate rules of libvirt's network object list. */
export class TestNetworks {
  /** The host's own networks, added at first use. */
  readonly seed = new LazySeed<TestNetworks>();
  readonly #list: NetworkObject[] = [];

  get list(): NetworkObject[] {
    this.seed.run(this);
    return this.#list;
  }

  byName(name: string): NetworkObject {
    const obj = this.list.find((n) => n.def.name === name);
    if (!obj) throw new VirError(ErrorCode.NO_NETWORK, `no network with matching name '${name}'`, ErrorDomain.TEST);
    return obj;
  }

  byUUID(uuid: string): NetworkObject {
    const obj = this.list.find((n) => n.def.uuid === uuid);
    if (!obj) throw new VirError(ErrorCode.NO_NETWORK, `no network with matching uuid '${uuid}'`, ErrorDomain.TEST);
    return obj;
  }

  /** The object behind a handle: libvirt's test driver looks a virNetworkPtr up by uuid and reports it by name. */
  find(ref: NetworkRef): NetworkObject {
    const obj = this.list.find((n) => n.def.uuid === ref.uuid);
    if (!obj) throw new VirError(ErrorCode.NO_NETWORK, `no network with matching name '${ref.name}'`, ErrorDomain.TEST);
    return obj;
  }

  /**
   * Adds a definition or replaces one with libvirt's rules (virNetworkObjAssignDef): a name may not
   * move to another uuid nor a uuid to another name; `live` (createXML) refuses an active network and
   * starts from the new definition. A definition given while the network runs is what libvirt keeps
   * for its next start (newDef), which the 9.0 test driver never reaches: the running definition stays.
   */
  assign(def: NetworkDef, live: boolean): NetworkObject {
    const same = this.list.find((n) => n.def.uuid === def.uuid);
    if (same) {
      if (same.def.name !== def.name) {
        throw new VirError(ErrorCode.OPERATION_FAILED, `network '${same.def.name}' is already defined with uuid ${def.uuid}`, ErrorDomain.NETWORK);
      }
      if (live && same.active) {
        throw new VirError(ErrorCode.OPERATION_INVALID, `network is already active as '${def.name}'`, ErrorDomain.NETWORK);
      }
      if (same.active) same.newDef = def;
      else same.def = def;
      return same;
    }
    const clash = this.list.find((n) => n.def.name === def.name);
    if (clash) {
      throw new VirError(ErrorCode.OPERATION_FAILED, `network '${def.name}' already exists with uuid ${clash.def.uuid}`, ErrorDomain.NETWORK);
    }
    const obj: NetworkObject = { def, active: false, persistent: false, autostart: false };
    this.list.push(obj);
    return obj;
  }

  /** A network of the host's own configuration: persistent and running from the start. */
  load(def: NetworkDef): void {
    Object.assign(this.assign(def, false), { active: true, persistent: true });
  }

  remove(obj: NetworkObject): void {
    const i = this.list.indexOf(obj);
    if (i >= 0) this.list.splice(i, 1);
  }
}
