import { formatCpuSet, otherPart, parseCpuSet, setDomainPart, type DomainDef } from '@tsvirt/conf';
import {
  DomainModificationImpact as Impact, TypedParameterFlags, TypedParameterType as P, typedInt, typedString, validateTypedParams,
  type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;

/** virDomainNumatuneMemMode by value. */
export const NUMATUNE_MODES = ['strict', 'preferred', 'interleave', 'restrictive'] as const;

function readMemory(def: DomainDef): { mode: number; nodeset: string } {
  const numatune = otherPart(def, 'numatune');
  return { mode: NUMATUNE_MODES.indexOf(numatune?.memory ?? 'strict'), nodeset: numatune?.nodeset ?? '' };
}

function writeMemory(def: DomainDef, mode: number, nodeset: string): void {
  // A nodeset makes the placement static, which libvirt does not print.
  setDomainPart(def, 'numatune', { ...otherPart(def, 'numatune'), memory: NUMATUNE_MODES[mode], nodeset, placement: undefined });
}

const GET_FLAGS = Impact.LIVE | Impact.CONFIG | TypedParameterFlags.STRING_OKAY;

/** testDomainGetNumaParameters asked for the count: two, whatever the flags and state. */
export function numaParameterCount(flags: number): number {
  checkFlags(flags, GET_FLAGS, 'testDomainGetNumaParameters', D);
  return 2;
}

/** testDomainGetNumaParameters: the memory mode (strict unless set) and nodeset. */
export function getNumaParameters(obj: DomainObject, flags: number): TypedParameter[] {
  checkFlags(flags, GET_FLAGS, 'testDomainGetNumaParameters', D);
  const { mode, nodeset } = readMemory(impactDef(obj, flags & ~TypedParameterFlags.STRING_OKAY));
  return [typedInt('numa_mode', mode), typedString('numa_nodeset', nodeset)];
}

/**
 * testDomainSetNumaParameters: `<numatune><memory>` of the definitions the impact names; a static
 * mode needs a nodeset, and a running domain keeps its mode.
 */
export function setNumaParameters(obj: DomainObject, params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetNumaParameters', D);
  validateTypedParams(params, { 'numa_mode': P.INT, 'numa_nodeset': P.STRING });
  let mode: number | undefined;
  let nodeset: string | undefined;
  for (const p of params) {
    if (p.field === 'numa_mode') {
      mode = p.value as number;
      if (NUMATUNE_MODES[mode] === undefined) throw new VirError(ErrorCode.INVALID_ARG, `unsupported numatune mode: '${mode}'`, D);
    } else {
      const text = p.value as string;
      try {
        nodeset = formatCpuSet(parseCpuSet(text));
      } catch {
        throw new VirError(ErrorCode.INVALID_ARG, `Failed to parse bitmap '${text}'`, D);
      }
    }
  }
  const { live, config } = impactDefs(obj, flags);
  for (const def of [live, config]) {
    if (!def) continue;
    const now = readMemory(def);
    const set = nodeset ?? now.nodeset;
    if (set === '') {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "nodeset for NUMA memory tuning must be set if 'placement' is 'static'", D);
    }
    if (def === live && mode !== undefined && mode !== now.mode) {
      throw new VirError(ErrorCode.OPERATION_INVALID, "can't change numatune mode for running domain", D);
    }
    writeMemory(def, mode ?? now.mode, set);
  }
}
