import type { OptDef } from '../../vsh/command-def.js';
import type { Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';

/** virsh's --timestamp prefix: local time with milliseconds and the UTC offset. */
export function timestamp(): string {
  const d = new Date();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}${zone}`;
}

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

/** The options of virsh's *-event commands, after the object filter each names its own way. */
export function eventOptions(filter: OptDef): OptDef[] {
  return [
    filter,
    { name: 'event', type: 'string', help: 'which event type to wait for' },
    bool('loop', 'loop until timeout or interrupt, rather than one-shot'),
    { name: 'timeout', type: 'int', help: 'timeout seconds' },
    bool('list', 'list valid event types'),
    bool('timestamp', 'show timestamp for each printed event'),
  ];
}

/**
 * What an event command was asked: with --list the types are printed and undefined answered;
 * otherwise the event's index in `events` and the --timeout in seconds, checked as virsh does.
 */
export function eventRequest(ctl: Ctl, cmd: ParsedCommand, events: readonly string[]): { eventID: number; seconds: number | undefined } | undefined {
  if (cmd.bool('list')) {
    ctl.print(events.map((n) => `${n}\n`).join(''));
    return undefined;
  }
  const wanted = cmd.string('event');
  if (wanted === undefined) throw new VshError('either --list or --event <type> is required');
  const eventID = events.indexOf(wanted);
  if (eventID < 0) throw new VshError(`unknown event type ${wanted}`);
  const seconds = cmd.int('timeout');
  if (seconds !== undefined && seconds < 1) throw new VshError(`Numeric value '${cmd.string('timeout')}' for <timeout> option is malformed or out of range`);
  return { eventID, seconds };
}

/** Why an event wait ended: an event (one-shot), --timeout, Ctrl-C, or the connection closing by itself. */
type WaitEnd = 'event' | 'timeout' | 'interrupt' | 'disconnect';

/**
 * virsh's event loop: `register` subscribes, calling `seen` for each event printed (written at
 * once, as virsh's lines are); the wait ends at the first event (unless --loop), at --timeout,
 * at Ctrl-C or when the connection closes by itself (virsh's close callback ends it; Ctl prints
 * why). Answers how many events came.
 */
export async function waitForEvents(ctl: Ctl, cmd: ParsedCommand, seconds: number | undefined,
  register: (seen: () => void) => Promise<() => void>): Promise<number> {
  let count = 0;
  let finish: (end: WaitEnd) => void = () => undefined;
  const done = new Promise<WaitEnd>((resolve) => (finish = resolve));
  const unregister = await register(() => {
    count++;
    ctl.writeNow();
    if (!cmd.bool('loop')) finish('event');
  });
  // The timer, or without one an idle interval, keeps the process waiting; Ctrl-C ends the wait.
  const timer = seconds === undefined ? setInterval(() => undefined, 1 << 30) : setTimeout(() => finish('timeout'), seconds * 1000);
  const interrupt = (): void => finish('interrupt');
  process.once('SIGINT', interrupt);
  const gone = ctl.onDisconnect(() => finish('disconnect'));
  try {
    const end = await done;
    if (end === 'timeout' || end === 'interrupt') ctl.print(`event loop ${end === 'timeout' ? 'timed out' : 'interrupted'}\n`);
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', interrupt);
    gone();
    unregister();
  }
  ctl.print(`events received: ${count}\n`);
  return count;
}
