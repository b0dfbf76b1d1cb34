import type { Network } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { networkArg } from '../network/network-common.js';
import { deviceByName } from '../nodedev/nodedev.js';
import { eventOptions, eventRequest, timestamp, waitForEvents } from './event-wait.js';

/** What an event command's object filter found: the object, or the error reported last. */
interface Filter<T> {
  readonly found?: T;
  readonly error?: unknown;
}

/** net-event and nodedev-event: the event types, or a wait for one, with the object filter each takes. */
function eventCommand<T>(spec: {
  name: string;
  help: string;
  desc: string;
  filter: OptDef;
  events: readonly string[];
  /** Looks the filter up; what it throws and whether the wait still happens is each command's own. */
  lookup: (ctl: Ctl, cmd: ParsedCommand) => Promise<Filter<T>>;
  /**
   * Registers for event `eventID` of `found` (of every object when undefined), calling `seen` with
   * each event's line; without it no event can arrive.
   */
  listen?: (ctl: Ctl, found: T | undefined, eventID: number, seen: (line: string) => void) => Promise<() => void>;
}): CommandDef {
  return {
    name: spec.name,
    group: spec.filter.name === 'network' ? 'network' : 'nodedev',
    help: spec.help,
    desc: spec.desc,
    options: eventOptions(spec.filter),
    async run(ctl, cmd) {
      const request = eventRequest(ctl, cmd, spec.events);
      if (!request) return true;
      const { found, error }: Filter<T> = cmd.has(spec.filter.name) ? await spec.lookup(ctl, cmd) : {};
      const count = await waitForEvents(ctl, cmd, request.seconds, async (seen) => {
        if (!spec.listen) return () => undefined;
        return spec.listen(ctl, found, request.eventID, (line) => {
          ctl.print(`${cmd.bool('timestamp') ? `${timestamp()}: ` : ''}${line}\n`);
          seen();
        });
      });
      // A wait that saw no event fails; a filter virsh could not find is reported only now.
      if (error !== undefined) throw error;
      return count > 0;
    },
  };
}

/** virNetworkEventLifecycleType's words in virsh. */
const NETWORK_LIFECYCLE = ['Defined', 'Undefined', 'Started', 'Stopped'];

export const netEvent = eventCommand<Network>({
  name: 'net-event', help: 'Network Events', desc: 'List event types, or wait for network events to occur',
  filter: { name: 'network', type: 'string', help: 'filter by network name or uuid' },
  events: ['lifecycle'],
  // virsh reports an unknown network at once, then waits for every network's events all the same.
  async lookup(ctl, cmd) {
    try {
      return { found: await networkArg(ctl, cmd) };
    } catch (e) {
      if (!(e instanceof CommandFailed)) throw e;
      ctl.error(e.message);
      return { error: e.causeError };
    }
  },
  async listen(ctl, found, eventID, seen) {
    const conn = await ctl.connect();
    return conn.networkEventRegisterAny(found, eventID, (net, event) =>
      seen(`event 'lifecycle' for network ${net.getName()}: ${NETWORK_LIFECYCLE[event] ?? 'unknown'}`));
  },
});

export const nodedevEvent = eventCommand({
  name: 'nodedev-event', help: 'Node Device Events', desc: 'List event types, or wait for node device events to occur',
  filter: { name: 'device', type: 'string', help: 'filter by node device name' },
  events: ['lifecycle', 'update'],
  async lookup(ctl, cmd) {
    await deviceByName(ctl, cmd);
    return {};
  },
});
