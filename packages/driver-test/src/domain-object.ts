import type { DomainDef } from '@tsvirt/conf';
import { DomainState } from '@tsvirt/api';
import { newSnapshotTree, type SnapshotTree } from './domain/snapshots.js';
import type { CheckpointTree } from './domain/checkpoints.js';

/** One domain of the mock hypervisor: its definitions and run state (libvirt's virDomainObj). */
export interface DomainObject {
  /** The live definition while running; the persistent one otherwise. */
  def: DomainDef;
  /** The persistent definition to use from the next start, when redefined while running. */
  newDef: DomainDef | undefined;
  /** -1 while inactive. */
  id: number;
  state: number;
  reason: number;
  persistent: boolean;
  autostart: boolean;
  hasManagedSave: boolean;
  snapshots: SnapshotTree;
  checkpoints: CheckpointTree;
  /**
   * What libvirt's test driver found wrong when it loaded the domain from a custom config (taint
   * reasons, deprecated settings): kept for the object's life, whatever its state or later
   * definitions; none for a domain defined or created through the API.
   */
  taints: readonly string[];
  deprecations: readonly string[];
}

export function isActive(obj: DomainObject): boolean {
  return obj.id !== -1;
}

/** The definition that persists: the pending one if the domain was redefined while running. */
export function persistentDef(obj: DomainObject): DomainDef {
  return obj.newDef ?? obj.def;
}

export function newInactiveObject(def: DomainDef, persistent: boolean): DomainObject {
  return {
    def,
    newDef: undefined,
    id: -1,
    state: DomainState.SHUTOFF,
    reason: 0,
    persistent,
    autostart: false,
    hasManagedSave: false,
    snapshots: newSnapshotTree(),
    checkpoints: { snaps: [], current: undefined },
    taints: [],
    deprecations: [],
  };
}
