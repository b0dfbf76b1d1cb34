import type { InterfaceDef } from '@tsvirt/conf';
import type { InterfaceRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { LazySeed } from '../lazy-seed.js';

/** One host interface of the mock host (libvirt's virInterfaceObj). */
export interface InterfaceObject {
  def: InterfaceDef;
  active: boolean;
}

export function interfaceRef(obj: InterfaceObject): InterfaceRef {
  return { name: obj.def.name, mac: obj.def.mac ?? '' };
}

/** The host interfaces of one mock host and the snapshot of an open `iface-begin` transaction. */
export class TestInterfaces {
  /** The host's own interfaces, added at first use. */
  readonly seed = new LazySeed<TestInterfaces>();
  #list: InterfaceObject[] = [];

  get list(): InterfaceObject[] {
    this.seed.run(this);
    return this.#list;
  }
  set list(list: InterfaceObject[]) {
    this.seed.run(this);
    this.#list = list;
  }
  /** The definitions saved by interfaceChangeBegin, while a transaction is open. */
  saved: InterfaceDef[] | undefined;

  byName(name: string): InterfaceObject {
    const obj = this.list.find((i) => i.def.name === name);
    if (!obj) throw new VirError(ErrorCode.NO_INTERFACE, `no interface with matching name '${name}'`, ErrorDomain.TEST);
    return obj;
  }

  /** libvirt compares MAC addresses without regard to case. */
  byMAC(mac: string): InterfaceObject {
    const found = this.list.filter((i) => i.def.mac !== undefined && i.def.mac.toLowerCase() === mac.toLowerCase());
    if (found.length === 0) throw new VirError(ErrorCode.NO_INTERFACE, `no interface with matching mac '${mac}'`, ErrorDomain.TEST);
    if (found.length > 1) throw new VirError(ErrorCode.MULTIPLE_INTERFACES, undefined, ErrorDomain.TEST);
    return found[0]!;
  }

  /** Adds a definition, or replaces the one of the same name; an active interface stays active. */
  assign(def: InterfaceDef): InterfaceObject {
    const same = this.list.find((i) => i.def.name === def.name);
    if (same) {
      same.def = def;
      return same;
    }
    const obj: InterfaceObject = { def, active: false };
    this.list.push(obj);
    return obj;
  }

  /** An interface of the host's own configuration: up from the start. */
  load(def: InterfaceDef): void {
    this.assign(def).active = true;
  }

  remove(obj: InterfaceObject): void {
    this.list = this.list.filter((i) => i !== obj);
  }
}
