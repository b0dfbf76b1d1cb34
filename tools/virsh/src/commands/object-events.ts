import type { CommandDef, OptDef } from '../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../vsh/ctl.js';
import type { ParsedCommand } from '../vsh/parsed-command.js';
import { VshError } from '../vsh/vsh-error.js';
import { networkArg } from './network-common.js';
import { deviceByName } from './nodedev.js';

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

/**
 * Waits as virsh's event loop waits: the test driver raises network and node device events only
 * for calls made on its connection, and none can be made while this command waits, so no event
 * arrives; the wait ends at --timeout (without one, when the process is interrupted).
 */
async function waitForNothing(ctl: Ctl, seconds: number | undefined): Promise<void> {
  await new Promise<void>((resolve) => {
    if (seconds !== undefined) setTimeout(resolve, seconds * 1000);
    else setInterval(() => undefined, 1 << 30);
  });
  ctl.print('event loop timed out\nevents received: 0\n');
}

/** `--timeout`: a positive number of seconds. */
function timeoutSeconds(cmd: ParsedCommand): number | undefined {
  const seconds = cmd.int('timeout');
  if (seconds !== undefined && seconds < 1) throw new VshError(`Numeric value '${cmd.string('timeout')}' for <timeout> option is malformed or out of range`);
  return seconds;
}

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
    options: [
      spec.filter,
      { name: 'event', type: 'string', help: 'which event type to wait for' },
      bool('loop', 'loop until timeout or interrupt, rather than one-shot'),
      { name: 'timeout', type: 'int', help: 'timeout seconds' },
      bool('list', 'list valid event types'),
      bool('timestamp', 'show timestamp for each printed event'),
    ],
    async run(ctl, cmd) {
      if (cmd.bool('list')) {
        ctl.print(spec.events.map((e) => `${e}\n`).join(''));
        return true;
      }
      const wanted = cmd.string('event');
      if (wanted === undefined) throw new VshError('either --list or --event <type> is required');
      if (!spec.events.includes(wanted)) throw new VshError(`unknown event type ${wanted}`);
      const seconds = timeoutSeconds(cmd);
      const lookupError = cmd.has(spec.filter.name) ? await spec.lookup(ctl, cmd) : undefined;
      await waitForNothing(ctl, seconds);
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
