import { StoragePoolEventID, type StoragePool } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../vsh/command-def.js';
import { CommandFailed } from '../vsh/ctl.js';
import { VshError } from '../vsh/vsh-error.js';
import { poolArg } from '../storage-lookup.js';

/** The event types in StoragePoolEventID order, as `--list` prints them. */
const EVENTS = ['lifecycle', 'refresh'];
/** StoragePoolEventLifecycleType's words in virsh. */
const LIFECYCLE = ['Defined', 'Undefined', 'Started', 'Stopped', 'Created', 'Deleted'];
const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

/** virsh's --timestamp prefix: local time with milliseconds and the UTC offset. */
function timestamp(): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}${zone}`;
}

export const poolEvent: CommandDef = {
  name: 'pool-event',
  group: 'pool',
  help: 'Storage Pool Events',
  desc: 'List event types, or wait for storage pool events to occur',
  options: [
    { name: 'pool', type: 'string', help: 'filter by storage pool name or uuid' },
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
    let count = 0;
    let finish: (end: 'event' | 'timeout' | 'interrupt') => void = () => undefined;
    const done = new Promise<'event' | 'timeout' | 'interrupt'>((resolve) => (finish = resolve));
    const unregister = await (await ctl.connect()).storagePoolEventRegisterAny(pool, eventID, (p, event) => {
      const what = eventID === StoragePoolEventID.LIFECYCLE ? `: ${LIFECYCLE[event] ?? 'unknown'}` : '';
      ctl.print(`${cmd.bool('timestamp') ? `${timestamp()}: ` : ''}event '${wanted}' for storage pool ${p.getName()}${what}\n`);
      count++;
      if (!cmd.bool('loop')) finish('event');
    });
    // The timer, or without one an idle interval, keeps the process waiting; Ctrl-C ends the wait.
    const timer = seconds === undefined ? setInterval(() => undefined, 1 << 30) : setTimeout(() => finish('timeout'), seconds * 1000);
    const interrupt = (): void => finish('interrupt');
    process.once('SIGINT', interrupt);
    try {
      const end = await done;
      if (end !== 'event') ctl.print(`event loop ${end === 'timeout' ? 'timed out' : 'interrupted'}\n`);
    } finally {
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      unregister();
    }
    ctl.print(`events received: ${count}\n`);
    if (lookupError !== undefined) throw lookupError;
    return count > 0;
  },
};
