import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';

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
    if (timeout !== undefined) {
      const n = cmd.int('timeout')!;
      if (n <= 0) throw new VshError(`Numeric value '${timeout}' for <timeout> option is malformed or out of range`);
    }
    const event = nonEmptyOpt(cmd, 'event');
    const dom = cmd.has('domain') ? await domainArg(ctl, cmd) : undefined;
    const conn = await ctl.connect();
    // Only the registration is reached: no tsvirt driver delivers QEMU monitor events, so none can be printed.
    const deregister = await conn.domainQemuMonitorEventRegister(dom, cmd.bool('regex') ? undefined : event, () => undefined);
    await deregister();
    ctl.print('events received: 0\n');
    return true;
  },
};
