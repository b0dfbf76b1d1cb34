import { TypedParameterType, validateTypedParams, type TypedParameter } from '@tsvirt/api';
import { domainPart, formatDomainXML, parseDomainXML, withDomainPart, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { MEMORY_UNLIMITED, setMemoryLimits } from '../cgroup/container-resources.js';
import { LXC_ARCH, saveConfig, writeStatus, type StoredDomain } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { tuningTargets } from './tuning-impact.js';

const D = ErrorDomain.LXC;
const FIELDS = { hard_limit: 'hardLimit', soft_limit: 'softLimit', swap_hard_limit: 'swapHardLimit' } as const;

/** A definition with its `<memtune>` limits replaced (an unlimited value removes the limit). */
function withLimits(def: DomainDef, kib: Map<keyof typeof FIELDS, bigint>): DomainDef {
  const mt = { ...(domainPart(def, 'memtune') ?? {}) } as Record<string, number | undefined>;
  for (const [field, v] of kib) mt[FIELDS[field]] = v >= MEMORY_UNLIMITED ? undefined : Number(v);
  const empty = Object.values(mt).every((v) => v === undefined);
  return withDomainPart(def, 'memtune', empty ? undefined : (mt as never), { arch: LXC_ARCH });
}

/**
 * libvirt's lxcDomainSetMemoryParameters: hard, soft and swap limits in KiB, on the running
 * container's cgroup (and its live XML) and/or the persistent definition, as the flags say.
 */
export async function setMemoryParameters(drv: LxcContext, d: StoredDomain, params: readonly TypedParameter[], flags: number): Promise<void> {
  validateTypedParams(params, { hard_limit: TypedParameterType.ULLONG, soft_limit: TypedParameterType.ULLONG, swap_hard_limit: TypedParameterType.ULLONG });
  const kib = new Map(params.map((p) => [p.field as keyof typeof FIELDS, p.value as bigint]));
  const hard = kib.get('hard_limit');
  const swap = kib.get('swap_hard_limit');
  if (hard !== undefined && swap !== undefined && hard > swap) {
    throw new VirError(ErrorCode.INVALID_ARG, 'memory hard_limit tunable value must be lower than or equal to swap_hard_limit', D);
  }
  const { live: active, config } = tuningTargets(d, flags);
  if (active) {
    await setMemoryLimits(active.tree, active.cgroups, { hard, soft: kib.get('soft_limit'), swap });
    active.xml = formatDomainXML(withLimits(parseDomainXML(active.xml, { arch: LXC_ARCH }), kib), { id: active.id });
    await writeStatus(drv.paths, active);
  }
  if (config && d.persistentDef) await saveConfig(drv.paths, d.name, formatDomainXML(withLimits(d.persistentDef, kib), { inactive: true }));
}
