import type { DomainDef } from '@tsvirt/conf';
import { DomainEventDetail, DomainEventType, DomainRunningReason, DomainState, type DomainRef, type NodeInfo } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isActive, newInactiveObject, persistentDef, type DomainObject } from './domain-object.js';
import { TestEvents } from './test-events.js';
import { TestPools } from './storage/test-pools.js';
import { TestNetworks } from './network/network-objects.js';
import { TestInterfaces } from './interface/interface-objects.js';
import { TestNodeDevices } from './nodedev/test-nodedev-driver.js';
import type { TestCell } from './host/test-capabilities.js';

const hasName = (d: DomainObject, name: string): boolean => d.def.name === name;
const hasUUID = (d: DomainObject, uuid: string): boolean => d.def.uuid === uuid;
const hasID = (d: DomainObject, id: number): boolean => d.id === id;

/**
 * One mock host: its domains, the next domain id and its node facts. `test:///default` has one per
 * process, shared by all its connections; each custom config file gets its own.
 */
export class TestHost {
  readonly domains: DomainObject[] = [];
  readonly events = new TestEvents();
  readonly pools = new TestPools();
  readonly networks = new TestNetworks();
  readonly interfaces = new TestInterfaces();
  readonly nodeDevices = new TestNodeDevices();
  /** The NUMA cells its capabilities show: test:///default has two, a custom config none. */
  cells: readonly TestCell[] = [];
  #nextId = 1;

  constructor(readonly nodeInfo: NodeInfo) {}

  ref(obj: DomainObject): DomainRef {
    return { name: obj.def.name, uuid: obj.def.uuid, id: obj.id };
  }

  emit(obj: DomainObject, event: number, detail: number): void {
    if (this.events.listening) this.events.emit({ domain: this.ref(obj), event: event as DomainEventType, detail });
  }

  /** The first domain `match` accepts: a loop, not find() with a closure made per lookup. */
  #first<K>(match: (d: DomainObject, key: K) => boolean, key: K): DomainObject | undefined {
    const { domains } = this;
    for (let i = 0; i < domains.length; i++) if (match(domains[i]!, key)) return domains[i];
    return undefined;
  }

  // libvirt's test driver reports a failed lookup as a bare "Domain not found".
  byName(name: string): DomainObject {
    const obj = this.#first(hasName, name);
    if (!obj) throw new VirError(ErrorCode.NO_DOMAIN, undefined, ErrorDomain.TEST);
    return obj;
  }

  byID(id: number): DomainObject {
    const obj = id === -1 ? undefined : this.#first(hasID, id);
    if (!obj) throw new VirError(ErrorCode.NO_DOMAIN, undefined, ErrorDomain.TEST);
    return obj;
  }

  byUUID(uuid: string): DomainObject {
    const obj = this.#first(hasUUID, uuid);
    if (!obj) throw new VirError(ErrorCode.NO_DOMAIN, undefined, ErrorDomain.TEST);
    return obj;
  }

  /** The object behind a handle, by UUID as libvirt looks a virDomainPtr up. */
  find(ref: DomainRef): DomainObject {
    const obj = this.#first(hasUUID, ref.uuid);
    if (!obj) {
      throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching uuid '${ref.uuid}' (${ref.name})`, ErrorDomain.TEST);
    }
    return obj;
  }

  /**
   * Adds or replaces a domain definition with libvirt's rules: a name may not move to another
   * UUID nor a UUID to another name, and a running domain keeps its live definition until stopped.
   * Its errors come from libvirt's domain object list, hence ErrorDomain.DOMAIN.
   */
  add(def: DomainDef, persistent: boolean, live: boolean): { obj: DomainObject; replaced: boolean } {
    const sameUUID = this.#first(hasUUID, def.uuid);
    if (sameUUID) {
      if (sameUUID.def.name !== def.name) {
        throw new VirError(ErrorCode.OPERATION_FAILED,
          `domain '${sameUUID.def.name}' is already defined with uuid ${def.uuid}`, ErrorDomain.DOMAIN);
      }
      if (live && isActive(sameUUID)) {
        throw new VirError(ErrorCode.OPERATION_INVALID, `domain '${def.name}' is already active`, ErrorDomain.DOMAIN);
      }
      if (isActive(sameUUID) && !live) {
        sameUUID.newDef = def;
      } else {
        // Started from new XML (createXML) over a persistent definition: that one returns at stop.
        if (live && sameUUID.persistent) sameUUID.newDef = sameUUID.def;
        sameUUID.def = def;
      }
      if (persistent) sameUUID.persistent = true;
      return { obj: sameUUID, replaced: true };
    }
    const sameName = this.#first(hasName, def.name);
    if (sameName) {
      throw new VirError(ErrorCode.OPERATION_FAILED,
        `domain '${def.name}' already exists with uuid ${sameName.def.uuid}`, ErrorDomain.DOMAIN);
    }
    const obj = newInactiveObject(def, persistent);
    this.domains.push(obj);
    return { obj, replaced: false };
  }

  start(obj: DomainObject, paused: boolean, reason: number = DomainRunningReason.BOOTED,
    detail: number = DomainEventDetail.STARTED.BOOTED): void {
    obj.id = this.#nextId++;
    obj.state = DomainState.RUNNING;
    obj.reason = reason;
    this.emit(obj, DomainEventType.STARTED, detail);
    if (paused) {
      obj.state = DomainState.PAUSED;
      obj.reason = 1;
      this.emit(obj, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
    }
  }

  /**
   * Stops a domain; a transient one disappears (unless `keep`: a snapshot revert starts it again),
   * a redefined one takes its new definition.
   */
  stop(obj: DomainObject, reason: number, detail: number, keep = false): void {
    this.emit(obj, DomainEventType.STOPPED, detail);
    obj.id = -1;
    obj.state = DomainState.SHUTOFF;
    obj.reason = reason;
    obj.def = persistentDef(obj);
    obj.newDef = undefined;
    if (!obj.persistent && !keep) this.remove(obj);
  }

  remove(obj: DomainObject): void {
    const i = this.domains.indexOf(obj);
    if (i >= 0) this.domains.splice(i, 1);
  }
}
