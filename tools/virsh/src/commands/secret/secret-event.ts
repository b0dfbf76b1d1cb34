import { SecretEventID, type Secret } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { secretArg } from './secret.js';

const EVENTS = ['lifecycle', 'value-changed'];
const LIFECYCLE = ['Defined', 'Undefined'];
const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

export const secretEvent: CommandDef = {
  name: 'secret-event',
  group: 'secret',
  help: 'Secret Events',
  desc: 'List event types, or wait for secret events to occur',
  options: [
    { name: 'secret', type: 'string', help: 'filter by secret name or uuid' },
    { name: 'event', type: 'string', help: 'which event type to wait for' },
    bool('loop', 'loop until timeout or interrupt, rather than one-shot'),
    { name: 'timeout', type: 'int', help: 'timeout seconds' },
    bool('list', 'list valid event types'),
    bool('timestamp', 'show timestamp for each printed event'),
  ],
  async run(ctl, cmd) {
    if (cmd.bool('list')) {
      ctl.print(EVENTS.map((n) => `${n}\n`).join(''));
      return true;
    }
    const wanted = cmd.string('event');
    if (wanted === undefined) throw new VshError('either --list or --event <type> is required');
    const eventID = EVENTS.indexOf(wanted);
    if (eventID < 0) throw new VshError(`unknown event type ${wanted}`);
    const seconds = cmd.int('timeout');
    if (seconds !== undefined && seconds < 1) throw new VshError(`Numeric value '${cmd.string('timeout')}' for <timeout> option is malformed or out of range`);
    // virsh reports a secret it cannot find and goes on to register for all of them.
    let secret: Secret | undefined;
    if (cmd.has('secret')) {
      try {
        secret = await secretArg(ctl, cmd);
      } catch (e) {
        if (!(e instanceof CommandFailed)) throw e;
        ctl.error(e.message);
      }
    }
    const conn = await ctl.connect();
    let count = 0;
    let finish: (timedOut: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => (finish = resolve));
    const unregister = await conn.secretEventRegisterAny(secret, eventID, (s, event, detail) => {
      const what = eventID === SecretEventID.LIFECYCLE ? `: ${LIFECYCLE[event] ?? 'unknown'}${detail ? ` ${detail}` : ''}` : '';
      ctl.print(`event '${wanted}' for secret ${s.getUUIDString()}${what}\n`);
      count++;
      if (!cmd.bool('loop')) finish(false);
    });
    const timer = seconds === undefined ? undefined : setTimeout(() => finish(true), seconds * 1000);
    try {
      if (await done) ctl.print('event loop timed out\n');
    } finally {
      clearTimeout(timer);
      unregister();
    }
    ctl.print(`events received: ${count}\n`);
    return true;
  },
};
