import { TypedParameterType, typedInt, typedString, type TypedParameter } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { jsonOpt } from '../../vsh/report.js';
import { typedParamText } from '../../vsh/typed-param-text.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { tune } from './tunables.js';

/** virDomainNumatuneMemMode by value. */
const MODES = ['strict', 'preferred', 'interleave', 'restrictive'];

/** A mode by name, or (for modes newer than virsh) as a C integer in any base strtol takes. */
function modeValue(text: string): number {
  const byName = MODES.indexOf(text);
  if (byName >= 0) return byName;
  const m = /^\s*([+-]?)(?:0x([0-9a-f]+)|(0[0-7]*)|([1-9]\d*))$/i.exec(text);
  const magnitude = !m ? NaN : m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : Number(m[4]);
  const n = m?.[1] === '-' ? -magnitude : magnitude;
  if (!(n >= -(2 ** 31) && n < 2 ** 31)) throw new VshError(`Invalid mode: ${text}`);
  return n;
}

const modeText = (p: TypedParameter): string =>
  p.field === 'numa_mode' && p.type === TypedParameterType.INT ? MODES[p.value] ?? '(null)' : typedParamText(p);

export const numatune: CommandDef = {
  name: 'numatune',
  group: 'domain',
  help: 'Get or set numa parameters',
  desc: 'Get or set the current numa parameters for a guest domain.\n    To get the numa parameters use following command: \n\n    virsh # numatune <domain>',
  options: [
    domainOpt(),
    { name: 'mode', type: 'string', help: 'NUMA mode, one of strict, preferred and interleave \nor a number from the virDomainNumatuneMemMode enum' },
    { name: 'nodeset', type: 'string', help: 'NUMA node selections to set' },
    configOpt, liveOpt, currentOpt, jsonOpt,
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const params: TypedParameter[] = [];
    const nodeset = nonEmptyOpt(cmd, 'nodeset');
    if (nodeset !== undefined) params.push(typedString('numa_nodeset', nodeset));
    const mode = nonEmptyOpt(cmd, 'mode');
    if (mode !== undefined) params.push(typedInt('numa_mode', modeValue(mode)));
    return tune(ctl, cmd, {
      what: 'numa',
      countWhat: 'memory',
      count: () => dom.numaParameterCount(flags),
      get: () => dom.numaParameters(flags),
      set: (p) => dom.setNumaParameters(p, flags),
    }, params, modeText);
  },
};
