import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { domainOf, wireDomain } from '../wire-objects.js';
import { apiParams, cpumapBools, cpumapBytes, paramsReply, wireParams } from '../wire-values.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);
const big = (n: number | bigint): bigint => BigInt(n);

/** Tuning and statistics of a domain: vcpus, memory, scheduler, I/O, CPU time, iothreads. */
export const domainTuningHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_GET_MAX_VCPUS]: async (ctx, a) => ({ num: await dom(ctx, a.dom).vcpusFlags(4 /* VIR_DOMAIN_VCPU_MAXIMUM */ | 1 /* AFFECT_LIVE */) }),
  [P.REMOTE_PROC_DOMAIN_GET_VCPUS]: async (ctx, a) => {
    const v = await dom(ctx, a.dom).vcpus();
    const info = v.info.slice(0, a.maxinfo);
    return {
      info: info.map((i) => ({ number: i.number, state: i.state, cpu_time: i.cpuTime, cpu: i.cpu })),
      cpumaps: concat(v.cpumaps.slice(0, info.length).map((m) => cpumapBytes(m, a.maplen))),
    };
  },
  [P.REMOTE_PROC_DOMAIN_GET_VCPU_PIN_INFO]: async (ctx, a) => {
    const maps = (await dom(ctx, a.dom).vcpuPinInfo(a.flags)).slice(0, a.ncpumaps);
    return { cpumaps: concat(maps.map((m) => cpumapBytes(m, a.maplen))), num: maps.length };
  },
  [P.REMOTE_PROC_DOMAIN_PIN_VCPU]: async (ctx, a) => dom(ctx, a.dom).pinVcpu(a.vcpu, cpumapBools(a.cpumap)),
  [P.REMOTE_PROC_DOMAIN_PIN_VCPU_FLAGS]: async (ctx, a) => dom(ctx, a.dom).pinVcpuFlags(a.vcpu, cpumapBools(a.cpumap), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_SCHEDULER_TYPE]: async (ctx, a) => dom(ctx, a.dom).schedulerType(),
  [P.REMOTE_PROC_DOMAIN_GET_SCHEDULER_PARAMETERS]: async (ctx, a) => ({ params: wireParams((await dom(ctx, a.dom).schedulerParameters()).slice(0, a.nparams)) }),
  [P.REMOTE_PROC_DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS]: async (ctx, a) => ({
    params: wireParams((await dom(ctx, a.dom).schedulerParameters(a.flags)).slice(0, a.nparams)),
  }),
  [P.REMOTE_PROC_DOMAIN_SET_SCHEDULER_PARAMETERS]: async (ctx, a) => dom(ctx, a.dom).setSchedulerParameters(apiParams(a.params)),
  [P.REMOTE_PROC_DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS]: async (ctx, a) => dom(ctx, a.dom).setSchedulerParameters(apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_MEMORY_PARAMETERS]: async (ctx, a) => a.nparams === 0
    ? { params: [], nparams: await dom(ctx, a.dom).memoryParameterCount(a.flags) }
    : paramsReply(await dom(ctx, a.dom).memoryParameters(a.flags), a.nparams),
  [P.REMOTE_PROC_DOMAIN_SET_MEMORY_PARAMETERS]: async (ctx, a) => dom(ctx, a.dom).setMemoryParameters(apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_BLKIO_PARAMETERS]: async (ctx, a) => a.nparams === 0
    ? { params: [], nparams: await dom(ctx, a.dom).blkioParameterCount(a.flags) }
    : paramsReply(await dom(ctx, a.dom).blkioParameters(a.flags), a.nparams),
  [P.REMOTE_PROC_DOMAIN_SET_BLKIO_PARAMETERS]: async (ctx, a) => dom(ctx, a.dom).setBlkioParameters(apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_NUMA_PARAMETERS]: async (ctx, a) => a.nparams === 0
    ? { params: [], nparams: await dom(ctx, a.dom).numaParameterCount(a.flags) }
    : paramsReply(await dom(ctx, a.dom).numaParameters(a.flags), a.nparams),
  [P.REMOTE_PROC_DOMAIN_SET_NUMA_PARAMETERS]: async (ctx, a) => dom(ctx, a.dom).setNumaParameters(apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_PERF_EVENTS]: async (ctx, a) => ({ params: wireParams(await dom(ctx, a.dom).perfEvents(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_SET_PERF_EVENTS]: async (ctx, a) => dom(ctx, a.dom).setPerfEvents(apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_CPU_STATS]: async (ctx, a) => {
    const s = await dom(ctx, a.dom).getCPUStats(a.start_cpu, a.ncpus, a.flags);
    // ncpus 0 asks for the CPU count; nparams 0 for how many statistics each CPU has.
    if (a.ncpus === 0) return { params: [], nparams: s.cpus };
    const per = Math.max(0, ...s.stats.map((x) => x.length));
    if (a.nparams === 0) return { params: [], nparams: per };
    return { params: s.stats.flatMap((x) => wireParams(x.slice(0, a.nparams))), nparams: Math.min(per, a.nparams) };
  },
  [P.REMOTE_PROC_DOMAIN_MEMORY_STATS]: async (ctx, a) => ({
    stats: (await dom(ctx, a.dom).memoryStats(a.maxStats, a.flags)).map((s) => ({ tag: s.tag, val: s.val })),
  }),
  [P.REMOTE_PROC_DOMAIN_SET_MEMORY_STATS_PERIOD]: async (ctx, a) => dom(ctx, a.dom).setMemoryStatsPeriod(a.period, a.flags),
  [P.REMOTE_PROC_DOMAIN_INTERFACE_STATS]: async (ctx, a) => {
    const s = await dom(ctx, a.dom).interfaceStats(a.device);
    return {
      rx_bytes: big(s.rxBytes), rx_packets: big(s.rxPackets), rx_errs: big(s.rxErrs), rx_drop: big(s.rxDrop),
      tx_bytes: big(s.txBytes), tx_packets: big(s.txPackets), tx_errs: big(s.txErrs), tx_drop: big(s.txDrop),
    };
  },
  [P.REMOTE_PROC_DOMAIN_GET_IOTHREAD_INFO]: async (ctx, a) => {
    const info = await dom(ctx, a.dom).ioThreadInfo(a.flags);
    return {
      info: info.map((t) => ({ iothread_id: t.iothreadId, cpumap: cpumapBytes(t.cpumap, Math.ceil(t.cpumap.length / 8)) })),
      ret: info.length,
    };
  },
  [P.REMOTE_PROC_DOMAIN_ADD_IOTHREAD]: async (ctx, a) => dom(ctx, a.dom).addIOThread(a.iothread_id, a.flags),
  [P.REMOTE_PROC_DOMAIN_DEL_IOTHREAD]: async (ctx, a) => dom(ctx, a.dom).delIOThread(a.iothread_id, a.flags),
  [P.REMOTE_PROC_DOMAIN_PIN_IOTHREAD]: async (ctx, a) => dom(ctx, a.dom).pinIOThread(a.iothreads_id, cpumapBools(a.cpumap), a.flags),
  [P.REMOTE_PROC_DOMAIN_SET_IOTHREAD_PARAMS]: async (ctx, a) => dom(ctx, a.dom).setIOThreadParams(a.iothread_id, apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_CONTROL_INFO]: async (ctx, a) => dom(ctx, a.dom).controlInfo(a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_DISK_ERRORS]: async (ctx, a) => {
    const errors = await dom(ctx, a.dom).diskErrors(a.flags);
    return a.maxerrors === 0 ? { errors: [], nerrors: errors.length } : { errors: errors.slice(0, a.maxerrors), nerrors: Math.min(errors.length, a.maxerrors) };
  },
  [P.REMOTE_PROC_DOMAIN_GET_TIME]: async (ctx, a) => dom(ctx, a.dom).getTime(a.flags),
  [P.REMOTE_PROC_DOMAIN_SET_TIME]: async (ctx, a) => dom(ctx, a.dom).setTime({ seconds: a.seconds, nseconds: a.nseconds }, a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_HOSTNAME]: async (ctx, a) => ({ hostname: await dom(ctx, a.dom).getHostname(a.flags) }),
  [P.REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS]: async (ctx, a) => {
    const doms = a.doms.map((d) => dom(ctx, d));
    const records = doms.length ? await ctx.conn.domainListGetStats(doms, a.stats, a.flags) : await ctx.conn.getAllDomainStats(a.stats, a.flags);
    return { retStats: records.map((r) => ({ dom: wireDomain(r.domain), params: wireParams(r.params) })) };
  },
};

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}
