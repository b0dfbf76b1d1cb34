import { ConnectDomainQemuMonitorEventRegisterFlags as F, type QemuMonitorEvent } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';
import { timestamp, waitForEvents } from '../shared/event-wait.js';
import { prettyJSON } from './qemu-monitor-command.js';

export const qemuAttach: CommandDef = {
  name: 'qemu-attach',
  group: 'domain',
  help: 'QEMU Attach',
  desc: 'QEMU Attach',
  options: [{ name: 'pid', type: 'string', positional: true, required: true, help: 'pid' }],
  async run(ctl, cmd) {
    const text = cmd.required('pid');
    const m = /^\s*\+?(\d+)$/.exec(text);
    if (!m || Number(m[1]) > 0xffffffff) throw new VshError(`Numeric value '${text}' for <pid> option is malformed or out of range`);
    const pid = Number(m[1]);
    const conn = await ctl.connect();
    let dom;
    try {
      dom = await conn.qemuAttach(pid);
    } catch (e) {
      throw new CommandFailed(`Failed to attach to pid ${pid}`, e);
    }
    ctl.print(`Domain '${dom.getName()}' attached to pid ${pid}\n`);
    return true;
  },
};

export const qemuMonitorEvent: CommandDef = {
  name: 'qemu-monitor-event',
  group: 'domain',
  help: 'QEMU Monitor Events',
  desc: 'Listen for QEMU Monitor Events',
  options: [
    { name: 'domain', type: 'string', help: 'filter by domain name, id or uuid' },
    { name: 'event', type: 'string', help: 'filter by event name' },
    boolOpt('pretty', 'pretty-print any JSON output'),
    boolOpt('loop', 'loop until timeout or interrupt, rather than one-shot'),
    { name: 'timeout', type: 'int', help: 'timeout seconds' },
    boolOpt('regex', 'treat event as a regex rather than literal filter'),
    boolOpt('no-case', 'treat event case-insensitively'),
    boolOpt('timestamp', 'show timestamp for each printed event'),
  ],
  async run(ctl, cmd) {
    const timeout = cmd.string('timeout');
    const seconds = timeout === undefined ? undefined : cmd.int('timeout')!;
    if (seconds !== undefined && seconds <= 0) throw new VshError(`Numeric value '${timeout}' for <timeout> option is malformed or out of range`);
    const event = nonEmptyOpt(cmd, 'event');
    const dom = cmd.has('domain') ? await domainArg(ctl, cmd) : undefined;
    const conn = await ctl.connect();
    const flags = (cmd.bool('regex') ? F.REGEX : 0) | (cmd.bool('no-case') ? F.NOCASE : 0);
    let deregister: (() => Promise<void>) | undefined;
    const count = await waitForEvents(ctl, cmd, seconds, async (seen) => {
      let printed = 0;
      deregister = await conn.domainQemuMonitorEventRegister(dom, event, (e) => {
        // One-shot: virsh prints only the first event, even when more come before the loop ends.
        if (!cmd.bool('loop') && printed > 0) return;
        printed++;
        ctl.print(`${monitorEventLine(e, cmd.bool('pretty'), cmd.bool('timestamp'))}\n`);
        seen();
      }, flags);
      return () => undefined;
    });
    await deregister?.();
    // virsh fails the command when no event came.
    return count > 0;
  },
};

/** virsh's line for one event: when it came (QEMU's clock, or now with --timestamp), the domain, the data. */
function monitorEventLine(e: QemuMonitorEvent, pretty: boolean, stamp: boolean): string {
  const details = e.details === undefined ? '<null>' : pretty ? prettyDetails(e.details) : e.details;
  if (stamp) return `${timestamp()}: event ${e.event} for domain '${e.dom.name}': ${details}`;
  return `event ${e.event} at ${e.seconds}.${String(e.micros).padStart(6, '0')} for domain '${e.dom.name}': ${details}`;
}

/** The data pretty-printed as libvirt does (its beautifier ends with a newline), or as it came when it is not JSON. */
function prettyDetails(details: string): string {
  try {
    return `${prettyJSON(JSON.parse(details))}\n`;
  } catch {
    return details;
  }
}
