import { join } from 'node:path';
import { NetworkEventID, ObjectEventHub, type NetworkDriverEvent, type NetworkRef } from '@tsvirt/api';
import { logger } from '@tsvirt/util';
import { EventRelay, relayEvent, type RelayedEvent } from './event-relay.js';
import type { NetworkPaths } from './network-paths.js';

const log = logger('network.events');

/** The listeners of one root in this process, and the socket through which other processes reach them. */
interface Hub {
  readonly listeners: ObjectEventHub<NetworkDriverEvent>;
  relay?: EventRelay;
  /** Set while the relay starts, so that concurrent registrations share one socket. */
  listening?: Promise<void>;
}

/** The hub of each root this process listens on, by its state directory. */
const hubs = new Map<string, Hub>();

export const eventsDir = (p: NetworkPaths): string => join(p.stateDir, 'events');

const lifecycleEvent = (e: RelayedEvent): NetworkDriverEvent =>
  ({ net: { name: e.name, uuid: e.uuid }, eventID: NetworkEventID.LIFECYCLE, event: e.event, detail: 0 });

function newHub(): Hub {
  return { listeners: new ObjectEventHub((e) => e.net.uuid, (err) => log.error(`network event listener failed: ${(err as Error).message}`)) };
}

/**
 * The network events of one root: every listener on the root hears what any connection did, in
 * this process directly and in other processes through their relay sockets (libvirt's clients of
 * one daemon all hear each other's changes).
 */
export class NetworkEvents {
  constructor(private readonly paths: NetworkPaths) {}

  /** Calls `listener` for each event `eventID` (of `net` only, when given) until the returned function is called. */
  async register(net: NetworkRef | undefined, eventID: number, listener: (e: NetworkDriverEvent) => void): Promise<() => void> {
    const root = this.paths.stateDir;
    const hub = hubs.get(root) ?? newHub();
    hubs.set(root, hub);
    const unsubscribe = hub.listeners.subscribe(net?.uuid, eventID, listener);
    if (!hub.relay) {
      const relay = new EventRelay(eventsDir(this.paths), (e) => hub.listeners.raise(lifecycleEvent(e)));
      hub.listening ??= relay.listen().then(() => {
        hub.relay = relay;
      }, (e: unknown) => log.warn(`events of other processes are not heard: ${(e as Error).message}`));
      await hub.listening;
    }
    return () => {
      unsubscribe();
      if (hub.listeners.size || hubs.get(root) !== hub) return;
      hubs.delete(root);
      hub.relay?.close();
    };
  }

  /**
   * Raises a lifecycle event (NetworkEventLifecycleType) for `net`: to this process's listeners,
   * and to other processes' before answering, so that a short-lived process's events are not lost.
   */
  async lifecycle(net: NetworkRef, event: number): Promise<void> {
    const relayed = { name: net.name, uuid: net.uuid, event };
    const hub = hubs.get(this.paths.stateDir);
    hub?.listeners.raise(lifecycleEvent(relayed));
    await relayEvent(eventsDir(this.paths), relayed, hub?.relay?.path);
  }
}
