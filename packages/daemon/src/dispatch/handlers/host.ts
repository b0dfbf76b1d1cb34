import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { apiParams, cpumapBytes, paramsReply } from '../wire-values.js';

const P = remote;
const opt = (s: string | null): string | undefined => s ?? undefined;

/** Questions about the host: CPUs, memory, capabilities, CPU models. */
export const hostHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_NODE_GET_CPU_STATS]: async (ctx, a) => {
    const stats = await ctx.conn.getCPUStats(a.cpuNum, a.flags);
    return { params: a.nparams === 0 ? [] : stats.slice(0, a.nparams).map((s) => ({ field: s.field, value: s.value })), nparams: stats.length };
  },
  [P.REMOTE_PROC_NODE_GET_MEMORY_STATS]: async (ctx, a) => {
    const stats = await ctx.conn.getMemoryStats(a.cellNum, a.flags);
    return { params: a.nparams === 0 ? [] : stats.slice(0, a.nparams).map((s) => ({ field: s.field, value: s.value })), nparams: stats.length };
  },
  [P.REMOTE_PROC_NODE_GET_FREE_MEMORY]: async (ctx) => ({ freeMem: await ctx.conn.getFreeMemory() }),
  [P.REMOTE_PROC_NODE_GET_CELLS_FREE_MEMORY]: async (ctx, a) => ({ cells: await ctx.conn.getCellsFreeMemory(a.startCell, a.maxcells) }),
  [P.REMOTE_PROC_NODE_GET_FREE_PAGES]: async (ctx, a) => ({ counts: await ctx.conn.getFreePages(a.pages, a.startCell, a.cellCount, a.flags) }),
  [P.REMOTE_PROC_NODE_ALLOC_PAGES]: async (ctx, a) => ({
    ret: await ctx.conn.allocPages(a.pageSizes, a.pageCounts, a.startCell, a.cellCount, a.flags),
  }),
  [P.REMOTE_PROC_NODE_GET_CPU_MAP]: async (ctx, a) => {
    const m = await ctx.conn.getCPUMap(a.flags);
    return { cpumap: a.need_map ? cpumapBytes(m.online, Math.ceil(m.cpus / 8)) : new Uint8Array(), online: a.need_online ? m.onlineCount : 0, ret: m.cpus };
  },
  [P.REMOTE_PROC_NODE_GET_MEMORY_PARAMETERS]: async (ctx, a) => paramsReply(await ctx.conn.getMemoryParameters(a.flags), a.nparams),
  [P.REMOTE_PROC_NODE_SET_MEMORY_PARAMETERS]: async (ctx, a) => ctx.conn.setMemoryParameters(apiParams(a.params), a.flags),
  [P.REMOTE_PROC_NODE_GET_SEV_INFO]: async (ctx, a) => paramsReply(await ctx.conn.getSEVInfo(a.flags), a.nparams),
  [P.REMOTE_PROC_NODE_SUSPEND_FOR_DURATION]: async (ctx, a) => ctx.conn.suspendForDuration(a.target, a.duration, a.flags),
  [P.REMOTE_PROC_CONNECT_GET_CPU_MODEL_NAMES]: async (ctx, a) => {
    const models = await ctx.conn.getCPUModelNames(a.arch, a.flags);
    return { models: a.need_results ? models : [], ret: models.length };
  },
  [P.REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES]: async (ctx, a) => ({
    capabilities: await ctx.conn.getDomainCapabilities(opt(a.emulatorbin), opt(a.arch), opt(a.machine), opt(a.virttype), a.flags),
  }),
  [P.REMOTE_PROC_CONNECT_COMPARE_CPU]: async (ctx, a) => ({ result: await ctx.conn.compareCPU(a.xml, a.flags) }),
  [P.REMOTE_PROC_CONNECT_BASELINE_CPU]: async (ctx, a) => ({ cpu: await ctx.conn.baselineCPU(a.xmlCPUs, a.flags) }),
  [P.REMOTE_PROC_CONNECT_COMPARE_HYPERVISOR_CPU]: async (ctx, a) => ({
    result: await ctx.conn.compareHypervisorCPU(opt(a.emulator), opt(a.arch), opt(a.machine), opt(a.virttype), a.xmlCPU, a.flags),
  }),
  [P.REMOTE_PROC_CONNECT_BASELINE_HYPERVISOR_CPU]: async (ctx, a) => ({
    cpu: await ctx.conn.baselineHypervisorCPU(opt(a.emulator), opt(a.arch), opt(a.machine), opt(a.virttype), a.xmlCPUs, a.flags),
  }),
};
