import { typedBoolean, type TypedParameter } from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import type { Ctl } from '../../vsh/ctl.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';
import { configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { tunableLine } from './domain-schedinfo.js';

/** virsh's perf listing: each event enabled or disabled. */
function printEvents(ctl: Ctl, params: readonly TypedParameter[]): void {
  ctl.print(params.map((p) => tunableLine(p.field, p.value === true ? 'enabled' : 'disabled')).join(''));
}

export const perf = objectCommand({
  name: 'perf',
  group: 'domain',
  help: 'Get or set perf event',
  desc: 'Get or set the current perf events for a guest domain.\n    To get the perf events list use following command: \n\n    virsh # perf <domain>',
  object: DOMAIN,
  options: [
    { name: 'enable', type: 'string', help: 'perf events which will be enabled' },
    { name: 'disable', type: 'string', help: 'perf events which will be disabled' },
    configOpt, liveOpt, currentOpt,
  ],
  check: (cmd) => void impactFlags(cmd),
  async run(dom, ctl, cmd) {
    const flags = impactFlags(cmd);
    const enable = nonEmptyOpt(cmd, 'enable');
    const disable = nonEmptyOpt(cmd, 'disable');
    const params = [
      ...(enable?.split(',') ?? []).map((e) => typedBoolean(e, true)),
      ...(disable?.split(',') ?? []).map((e) => typedBoolean(e, false)),
    ];
    if (params.length === 0) {
      let events: TypedParameter[];
      try {
        events = await dom.perfEvents(flags);
      } catch (e) {
        throw new CommandFailed('Unable to get perf events', e);
      }
      printEvents(ctl, events);
      return true;
    }
    try {
      await dom.setPerfEvents(params, flags);
    } catch (e) {
      throw new CommandFailed('Unable to enable/disable perf events', e);
    }
    printEvents(ctl, params);
    return true;
  },
});
