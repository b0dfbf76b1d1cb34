import { DOMAIN_MEMORY_PARAM_UNLIMITED, ErrorCode, TypedParameterType, VirError, typedULLong, type TypedParameter } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { scaleOf } from '../../vsh/option-values.js';
import { jsonOpt } from '../../vsh/report.js';
import { typedParamText } from '../../vsh/typed-param-text.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { configOpt, currentOpt, impactFlags, liveOpt } from '../shared/modify-impact.js';
import { tune } from './tunables.js';

const LIMIT_OPTS: ReadonlyArray<[string, string, string]> = [
  ['hard-limit', 'hard_limit', 'Max memory, as scaled integer (default KiB)'],
  ['soft-limit', 'soft_limit', 'Memory during contention, as scaled integer (default KiB)'],
  ['swap-hard-limit', 'swap_hard_limit', 'Max memory plus swap, as scaled integer (default KiB)'],
  ['min-guarantee', 'min_guarantee', 'Min guaranteed memory, as scaled integer (default KiB)'],
];

/**
 * virshMemtuneGetSize: a number with an optional unit (KiB without), rounded up to KiB; any
 * negative number means unlimited.
 */
function limitKiB(cmd: ParsedCommand, name: string): bigint | undefined {
  const v = cmd.string(name);
  if (v === undefined) return undefined;
  const bad = `Unable to parse integer parameter ${name}`;
  const m = /^\s*([+-]?\d+)(.*)$/s.exec(v);
  if (!m || BigInt(m[1]!) >= 2n ** 63n || BigInt(m[1]!) < -(2n ** 63n)) throw new VshError(bad);
  const n = BigInt(m[1]!);
  if (n < 0n) return DOMAIN_MEMORY_PARAM_UNLIMITED;
  let factor: bigint;
  try {
    factor = scaleOf(m[2]!, 1024n);
  } catch (e) {
    throw new CommandFailed(bad, e);
  }
  if (n > (2n ** 63n - 1n) / factor) throw new CommandFailed(bad, new VirError(ErrorCode.OVERFLOW, `value too large: ${v}`));
  return (n * factor + 1023n) / 1024n;
}

/** A limit as virsh shows it: `unlimited` for the unset value. */
function limitText(p: TypedParameter): string {
  return p.type === TypedParameterType.ULLONG && p.value === DOMAIN_MEMORY_PARAM_UNLIMITED ? 'unlimited' : typedParamText(p);
}

export const memtune: CommandDef = {
  name: 'memtune',
  group: 'domain',
  help: 'Get or set memory parameters',
  desc: 'Get or set the current memory parameters for a guest domain.\n    To get the memory parameters use following command: \n\n    virsh # memtune <domain>',
  options: [
    domainOpt(),
    ...LIMIT_OPTS.map(([name, , help]) => ({ name, type: 'int' as const, help })),
    configOpt, liveOpt, currentOpt, jsonOpt,
  ],
  async run(ctl, cmd) {
    const flags = impactFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const params: TypedParameter[] = [];
    for (const [opt, field] of LIMIT_OPTS) {
      const kib = limitKiB(cmd, opt);
      if (kib !== undefined) params.push(typedULLong(field, kib));
    }
    return tune(ctl, cmd, {
      what: 'memory',
      count: () => dom.memoryParameterCount(flags),
      get: () => dom.memoryParameters(flags),
      set: (p) => dom.setMemoryParameters(p, flags),
    }, params, limitText);
  },
};
