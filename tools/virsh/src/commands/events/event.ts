import { DomainEventID, ErrorCode, VirError, type Connection, type Domain, type DomainDriverEvent, type DomainEvent } from '@tsvirt/api';
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

type SizeChange = Extract<DomainDriverEvent, { eventID: 26 }>;

/** virsh's lines for the events beyond lifecycle that drivers raise, by event id. */
const OTHER_LINES: ReadonlyMap<number, (domain: string, e: DomainDriverEvent) => string> = new Map([
  [DomainEventID.MEMORY_DEVICE_SIZE_CHANGE, (domain: string, e: DomainDriverEvent) =>
    `event 'memory-device-size-change' for domain '${domain}':\nalias: ${(e as SizeChange).alias}\nsize: ${(e as SizeChange).size}\n`],
]);

/**
 * Listens for the events of OTHER_LINES that `wanted` names (all without one), of `only` when
 * given; a driver that raises none of a kind is waited on all the same, as libvirt's
 * registration succeeds there.
 */
async function listenOthers(conn: Connection, wanted: string | undefined, only: Domain | undefined, print: (line: string) => void): Promise<Array<() => void>> {
  const ids = [...OTHER_LINES.keys()].filter((id) => wanted === undefined || EVENT_NAMES[id] === wanted);
  return Promise.all(ids.map((id) => conn.domainEventRegisterAny(only, id, (dom, e) => print(OTHER_LINES.get(id)!(dom.getName(), e))).catch((e: unknown) => {
    if (e instanceof VirError && e.code === ErrorCode.NO_SUPPORT) return () => undefined;
    throw e;
  })));
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
    const { count, lost } = await waitForEvents(ctl, cmd, timeout, dom, wanted);
    // virsh counts a wait that saw nothing as a failure, without a message; and one whose
    // connection went away (Ctl says so), as its deregistration then fails.
    return count > 0 && !lost;
  },
};

/**
 * Prints the events `wanted` names (every kind the drivers raise without one) until one arrives,
 * or with --loop until the timeout; `lost`: the connection ended the wait, closing by itself.
 */
async function waitForEvents(ctl: Ctl, cmd: ParsedCommand, timeout: number | undefined, dom: Domain | undefined,
  wanted: string | undefined): Promise<{ count: number; lost: boolean }> {
  const conn = await ctl.connect();
  const abort = new AbortController();
  let timedOut = false;
  let count = 0;
  const print = (line: string): void => {
    if (abort.signal.aborted) return;
    ctl.print(`${cmd.bool('timestamp') ? `${stamp()}: ` : ''}${line}`);
    ctl.writeNow();
    count++;
    if (!cmd.bool('loop')) abort.abort();
  };
  const offs = await listenOthers(conn, wanted, dom, print);
  const timer = timeout === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeout);
  const lifecycle = wanted === undefined || wanted === 'lifecycle';
  try {
    for await (const e of conn.domainEvents({ signal: abort.signal, ...(dom && { domain: dom }) })) {
      if (lifecycle) print(lifecycleLine(e));
    }
  } finally {
    clearTimeout(timer);
    for (const off of offs) off();
  }
  if (timedOut) ctl.print('event loop timed out\n');
  ctl.print(`events received: ${count}\n`);
  return { count, lost: !abort.signal.aborted };
}
