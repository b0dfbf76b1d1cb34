import { TypedParameterType, validateTypedParams, type TypedParameter } from '@tsvirt/api';
import { domainPart, formatDomainXML, parseDomainXML, withDomainPart, type DomainDef } from '@tsvirt/conf';
import { setValue } from '../cgroup/cgroup-ops.js';
import { LXC_ARCH, saveConfig, writeStatus, type StoredDomain } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { tuningTargets } from './tuning-impact.js';

interface Sched {
  shares?: number;
  period?: number;
  quota?: string;
}

function withSched(def: DomainDef, s: Sched): DomainDef {
  const ct = { ...(domainPart(def, 'cputune') ?? {}) };
  if (s.shares !== undefined) ct.shares = s.shares;
  if (s.period !== undefined) ct.period = s.period;
  if (s.quota !== undefined) ct.quota = s.quota;
  return withDomainPart(def, 'cputune', ct as never, { arch: LXC_ARCH });
}

/**
 * libvirt's lxcDomainSetSchedulerParametersFlags: cpu_shares, vcpu_period and vcpu_quota on
 * the running container's cgroup (and live XML) and/or the persistent definition's `<cputune>`.
 */
export async function setSchedulerParameters(drv: LxcContext, d: StoredDomain, params: readonly TypedParameter[], flags: number): Promise<void> {
  validateTypedParams(params, { cpu_shares: TypedParameterType.ULLONG, vcpu_period: TypedParameterType.ULLONG, vcpu_quota: TypedParameterType.LLONG });
  const get = (f: string) => params.find((p) => p.field === f)?.value as bigint | undefined;
  const s: Sched = { shares: get('cpu_shares') === undefined ? undefined : Number(get('cpu_shares')), period: get('vcpu_period') === undefined ? undefined : Number(get('vcpu_period')), quota: get('vcpu_quota')?.toString() };
  const { live: active, config } = tuningTargets(d, flags);
  if (active) {
    const { tree, cgroups } = active;
    const v2 = tree.version === 2;
    if (s.shares !== undefined) await setValue(tree, cgroups, 'cpu', v2 ? 'cpu.weight' : 'cpu.shares', String(s.shares));
    if (!v2 && s.period !== undefined) await setValue(tree, cgroups, 'cpu', 'cpu.cfs_period_us', String(s.period));
    if (!v2 && s.quota !== undefined) await setValue(tree, cgroups, 'cpu', 'cpu.cfs_quota_us', s.quota);
    if (v2 && (s.period !== undefined || s.quota !== undefined)) {
      const ct = domainPart(parseDomainXML(active.xml, { arch: LXC_ARCH }), 'cputune');
      const quota = s.quota ?? ct?.quota;
      await setValue(tree, cgroups, 'cpu', 'cpu.max', `${quota === undefined || Number(quota) < 0 ? 'max' : quota} ${s.period ?? ct?.period ?? 100000}`);
    }
    active.xml = formatDomainXML(withSched(parseDomainXML(active.xml, { arch: LXC_ARCH }), s), { id: active.id });
    await writeStatus(drv.paths, active);
  }
  if (config && d.persistentDef) await saveConfig(drv.paths, d.name, formatDomainXML(withSched(d.persistentDef, s), { inactive: true }));
}
