import { DomainMemoryModFlags as M } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { scaledOpt } from '../../vsh/option-values.js';
import { domainArg } from '../../domain-lookup.js';
import { configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';

/**
 * setmem and setmaxmem: a size in KiB unless suffixed, rounded up to whole KiB, set through
 * virDomainSetMemoryFlags; without an impact option setmem changes the running domain only.
 */
function memoryCommand(name: string, help: string, desc: string, sizeHelp: string, extraFlags: number, failure?: string): CommandDef {
  return {
    name,
    group: 'domain',
    help,
    desc,
    options: [
      domainOpt(),
      { name: 'size', type: 'int', positional: true, required: true, help: sizeHelp },
      configOpt, liveOpt, currentOpt,
    ],
    async run(ctl, cmd) {
      const chosen = ['config', 'live', 'current'].some((o) => cmd.bool(o));
      const flags = (chosen || extraFlags ? impactFlags(cmd) : M.LIVE) | extraFlags;
      const dom = await domainArg(ctl, cmd);
      const bytes = scaledOpt(cmd, 'size', 1024n)!;
      try {
        await dom.setMemoryFlags(Number((bytes + 1023n) / 1024n), flags);
      } catch (e) {
        throw failure ? new CommandFailed(failure, e) : e;
      }
      return true;
    },
  };
}

export const setmem = memoryCommand('setmem', 'change memory allocation', 'Change the current memory allocation in the guest domain.',
  'new memory size, as scaled integer (default KiB)', 0);

export const setmaxmem = memoryCommand('setmaxmem', 'change maximum memory limit',
  'Change the maximum memory allocation limit in the guest domain.', 'new maximum memory size, as scaled integer (default KiB)',
  M.MAXIMUM, 'Unable to change MaxMemorySize');
