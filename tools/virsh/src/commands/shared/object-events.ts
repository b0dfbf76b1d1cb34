import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { networkArg } from '../network/network-common.js';
import { deviceByName } from '../nodedev/nodedev.js';
import { eventOptions, eventRequest, waitForEvents } from './event-wait.js';

/** net-event and nodedev-event: the event types, or a wait for one, with the object filter each takes. */
function eventCommand(spec: {
  name: string;
  help: string;
  desc: string;
  filter: OptDef;
  events: readonly string[];
  /** Looks the filter up; what it throws and whether the wait still happens is each command's own. */
  lookup: (ctl: Ctl, cmd: ParsedCommand) => Promise<unknown>;
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
      const lookupError = cmd.has(spec.filter.name) ? await spec.lookup(ctl, cmd) : undefined;
      // The test driver raises network and node device events only for calls made on its
      // connection, and none can be made while this command waits, so none arrives.
      await waitForEvents(ctl, cmd, request.seconds, async () => () => undefined);
      // A wait that saw no event fails; a filter virsh could not find is reported only now.
      if (lookupError !== undefined) throw lookupError;
      return false;
    },
  };
}

export const netEvent = eventCommand({
  name: 'net-event', help: 'Network Events', desc: 'List event types, or wait for network events to occur',
  filter: { name: 'network', type: 'string', help: 'filter by network name or uuid' },
  events: ['lifecycle'],
  // virsh reports an unknown network at once, then waits for every network's events all the same.
  async lookup(ctl, cmd) {
    try {
      await networkArg(ctl, cmd);
      return undefined;
    } catch (e) {
      if (!(e instanceof CommandFailed)) throw e;
      ctl.error(e.message);
      return e.causeError;
    }
  },
});

export const nodedevEvent = eventCommand({
  name: 'nodedev-event', help: 'Node Device Events', desc: 'List event types, or wait for node device events to occur',
  filter: { name: 'device', type: 'string', help: 'filter by node device name' },
  events: ['lifecycle', 'update'],
  async lookup(ctl, cmd) {
    await deviceByName(ctl, cmd);
    return undefined;
  },
});
