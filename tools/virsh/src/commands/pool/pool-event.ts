import { StoragePoolEventID, type StoragePool } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { poolArg } from '../../storage-lookup.js';
import { eventOptions, eventRequest, timestamp, waitForEvents } from '../shared/event-wait.js';

/** The event types in StoragePoolEventID order, as `--list` prints them. */
const EVENTS = ['lifecycle', 'refresh'];
/** StoragePoolEventLifecycleType's words in virsh. */
const LIFECYCLE = ['Defined', 'Undefined', 'Started', 'Stopped', 'Created', 'Deleted'];

export const poolEvent: CommandDef = {
  name: 'pool-event',
  group: 'pool',
  help: 'Storage Pool Events',
  desc: 'List event types, or wait for storage pool events to occur',
  options: eventOptions({ name: 'pool', type: 'string', help: 'filter by storage pool name or uuid' }),
  async run(ctl, cmd) {
    const request = eventRequest(ctl, cmd, EVENTS);
    if (!request) return true;
    const { eventID, seconds } = request;
    // virsh reports a pool it cannot find at once, waits for every pool's events, and reports libvirt's error last.
    let pool: StoragePool | undefined;
    let lookupError: unknown;
    if (cmd.has('pool')) {
      try {
        pool = await poolArg(ctl, cmd);
      } catch (e) {
        if (!(e instanceof CommandFailed || e instanceof VshError)) throw e;
        ctl.error(e.message);
        if (e instanceof CommandFailed) lookupError = e.causeError;
      }
    }
    const conn = await ctl.connect();
    const count = await waitForEvents(ctl, cmd, seconds, (seen) => conn.storagePoolEventRegisterAny(pool, eventID, (p, event) => {
      const what = eventID === StoragePoolEventID.LIFECYCLE ? `: ${LIFECYCLE[event] ?? 'unknown'}` : '';
      ctl.print(`${cmd.bool('timestamp') ? `${timestamp()}: ` : ''}event '${EVENTS[eventID]}' for storage pool ${p.getName()}${what}\n`);
      seen();
    }));
    if (lookupError !== undefined) throw lookupError;
    return count > 0;
  },
};
