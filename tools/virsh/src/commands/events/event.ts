import type { DomainEvent } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import type { Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';

/** virsh's names of the domain event kinds, by libvirt's event id. */
const EVENT_NAMES = [
  'lifecycle', 'reboot', 'rtc-change', 'watchdog', 'io-error', 'graphics', 'io-error-reason', 'control-error', 'block-job',
  'disk-change', 'tray-change', 'pm-wakeup', 'pm-suspend', 'balloon-change', 'pm-suspend-disk', 'device-removed', 'block-job-2',
  'tunable', 'agent-lifecycle', 'device-added', 'migration-iteration', 'job-completed', 'device-removal-failed', 'metadata-change',
  'block-threshold', 'memory-failure', 'memory-device-size-change',
];

/** virsh's words for each lifecycle event type and its details. */
const LIFECYCLE: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Defined', ['Added', 'Updated', 'Renamed', 'Snapshot']],
  ['Undefined', ['Removed', 'Renamed']],
  ['Started', ['Booted', 'Migrated', 'Restored', 'Snapshot', 'Event wakeup']],
  ['Suspended', ['Paused', 'Migrated', 'I/O Error', 'Watchdog', 'Restored', 'Snapshot', 'API error', 'Post-copy', 'Post-copy Error']],
  ['Resumed', ['Unpaused', 'Migrated', 'Snapshot', 'Post-copy', 'Post-copy Error']],
  ['Stopped', ['Shutdown', 'Destroyed', 'Crashed', 'Migrated', 'Saved', 'Failed', 'Snapshot']],
  ['Shutdown', ['Finished', 'Finished after guest request', 'Finished after host request']],
  ['PMSuspended', ['Memory', 'Disk']],
  ['Crashed', ['Panicked', 'Crashloaded']],
];

/** The largest number of seconds that still fits an int once in milliseconds. */
const MAX_TIMEOUT = Math.floor(0x7fffffff / 1000);

/** `--timeout` in milliseconds (vshCommandOptTimeoutToMs): a positive number of seconds. */
function timeoutMs(cmd: ParsedCommand): number | undefined {
  const text = cmd.string('timeout');
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_TIMEOUT)) throw new VshError(`Numeric value '${text}' for <timeout> option is malformed or out of range`);
  return n * 1000;
}

function stamp(): string {
  const d = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:` +
    `${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}+0000`;
}

function lifecycleLine(e: DomainEvent): string {
  const [type, details] = LIFECYCLE[e.event] ?? ['unknown', []];
  return `event 'lifecycle' for domain '${e.domain.getName()}': ${type} ${details[e.detail] ?? 'unknown'}\n`;
}

export const event: CommandDef = {
  name: 'event',
  group: 'events',
  help: 'Domain Events',
  desc: 'List event types, or wait for domain events to occur',
  options: [
    { name: 'domain', type: 'string', help: 'filter by domain name, id or uuid' },
    { name: 'event', type: 'string', help: 'which event type to wait for' },
    boolOpt('all', 'wait for all events instead of just one type'),
    boolOpt('loop', 'loop until timeout or interrupt, rather than one-shot'),
    { name: 'timeout', type: 'int', help: 'timeout seconds' },
    boolOpt('list', 'list valid event types'),
    boolOpt('timestamp', 'show timestamp for each printed event'),
  ],
  async run(ctl, cmd) {
    cmd.exclusive('list', 'all');
    cmd.exclusive('list', 'event');
    if (cmd.bool('list')) {
      ctl.print(EVENT_NAMES.map((n) => `${n}\n`).join(''));
      return true;
    }
    const wanted = cmd.string('event');
    if (wanted !== undefined && !EVENT_NAMES.includes(wanted)) throw new VshError(`unknown event type ${wanted}`);
    if (wanted === undefined && !cmd.bool('all')) throw new VshError('one of --list, --all, or --event <type> is required');
    const timeout = timeoutMs(cmd);
    const dom = cmd.has('domain') ? await domainArg(ctl, cmd) : undefined;
    const count = await waitForEvents(ctl, cmd, timeout, dom?.getUUIDString(), wanted === undefined || wanted === 'lifecycle');
    // virsh counts a wait that saw nothing as a failure, without a message.
    return count > 0;
  },
};

/** Prints lifecycle events (the kind the drivers raise) until one arrives, or with --loop until the timeout. */
async function waitForEvents(ctl: Ctl, cmd: ParsedCommand, timeout: number | undefined, uuid: string | undefined,
  lifecycle: boolean): Promise<number> {
  const conn = await ctl.connect();
  const abort = new AbortController();
  let timedOut = false;
  const timer = timeout === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeout);
  let count = 0;
  try {
    for await (const e of conn.domainEvents({ signal: abort.signal })) {
      if (!lifecycle || (uuid !== undefined && e.domain.getUUIDString() !== uuid)) continue;
      ctl.print(`${cmd.bool('timestamp') ? `${stamp()}: ` : ''}${lifecycleLine(e)}`);
      count++;
      if (!cmd.bool('loop')) break;
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) ctl.print('event loop timed out\n');
  ctl.print(`events received: ${count}\n`);
  return count;
}
