/**
 * Entry points whose API shape differs from their procedure's: a count asked first (libvirt's
 * `nparams = 0` convention), CPU maps as bitmaps, char arrays as strings, 64-bit sizes the API
 * holds as numbers, names instead of handles, streams, and the side programs.
 */
import type { DomainRef, TypedParameter } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import * as P from '../generated/remote-protocol.js';
import { QEMU_PROC_DOMAIN_AGENT_COMMAND, QEMU_PROC_DOMAIN_ATTACH, QEMU_PROC_DOMAIN_MONITOR_COMMAND } from '../generated/qemu-protocol.js';
import type { RpcClient } from '../client/rpc-client.js';
import { LXC_PROC_DOMAIN_OPEN_NAMESPACE } from '../generated/lxc-protocol.js';
import { lxc_program, qemu_program, remote_program } from '../protocol/programs.js';
import { isOwnNamespace, namespaceInit, namespaceKind } from '../client/fd-passing.js';
import { arrayVar, type Codec } from '../protocol/xdr.js';
import { fromWire, toWire } from './convert.js';
import type { Override, RemoteCall } from './entry-points.js';
import { streamOverrides } from './streams.js';
import { poolEventOverrides } from './object-events.js';
import { closeCallbackOverrides } from './close-callback.js';
import { domainEventAnyOverrides } from './domain-events-any.js';
import { qemuMonitorEventOverrides } from './qemu-monitor-events.js';
import { migrationOverrides } from './migration.js';

type Rec = Record<string, unknown>;

/** virDrvFeature's FD_PASSING: whether the daemon takes descriptors with a call. */
const FD_PASSING = 8;
const dom = (d: DomainRef): unknown => toWire(P.remote_nonnull_domain as Codec<unknown>, d);
const paramList = arrayVar(P.remote_typed_param as Codec<unknown>);
const params = (v: unknown): TypedParameter[] => fromWire(paramList, v) as TypedParameter[];
const toParams = (p: readonly TypedParameter[]): unknown => toWire(paramList, p);

/** A char array (rpcgen's `char x[n]` or `char x<n>`, one int per char) as a string, up to its NUL. */
export function charsToString(chars: readonly number[]): string {
  const end = chars.indexOf(0);
  return Buffer.from((end < 0 ? chars : chars.slice(0, end)).map((c) => c & 255)).toString('utf8');
}

/** A CPU bitmap as one boolean per CPU. */
export function bitmapToBools(map: Uint8Array, cpus: number, offset = 0): boolean[] {
  return Array.from({ length: cpus }, (_, i) => ((map[offset + (i >> 3)] ?? 0) & (1 << (i & 7))) !== 0);
}

/** One boolean per CPU as a bitmap. */
export function boolsToBitmap(bools: readonly boolean[]): Uint8Array {
  const map = new Uint8Array(Math.ceil(bools.length / 8));
  bools.forEach((b, i) => {
    if (b) map[i >> 3]! |= 1 << (i & 7);
  });
  return map;
}

/** Asks with `nparams` 0 for the count, then for that many (libvirt's two-call convention). */
async function twoStep(call: RemoteCall, proc: number, args: Rec): Promise<Rec> {
  const first = (await call(proc, { ...args, nparams: 0 })) as Rec;
  const n = first.nparams as number;
  if (!n) return { ...first, params: [] };
  return (await call(proc, { ...args, nparams: n })) as Rec;
}

const numbers = (o: Rec, map: Readonly<Record<string, string>>): Rec =>
  Object.fromEntries(Object.entries(map).map(([api, wire]) => [api, Number(o[wire])]));

async function hostCpus(call: RemoteCall): Promise<number> {
  return ((await call(P.REMOTE_PROC_NODE_GET_INFO)) as Rec).cpus as number;
}

/** VIR_TYPED_PARAM_STRING_OKAY: the public API sets it; a daemon driver without the feature refuses it. */
const STRING_OKAY = 4;

/** What the daemon said it supports (VIR_DRV_FEATURE_*), as the overrides need it. */
export interface DaemonFeatures {
  /**
   * Its driver takes STRING_OKAY (TYPED_PARAM_STRING); libvirt's client only sets the flag then,
   * so it is dropped otherwise.
   */
  readonly stringParams: boolean;
  /** It relays close callbacks (REMOTE_CLOSE_CALLBACK). */
  readonly closeCallback: boolean;
  /** Its driver runs the v3 migration phases with parameters (MIGRATION_PARAMS); libvirt's client migrates only then. */
  readonly migrationParams: boolean;
  /** Its driver keeps the source's job from Begin to Confirm with CHANGE_PROTECTION, which libvirt's client then sets. */
  readonly changeProtection: boolean;
}

/** The overrides, bound to one client (streams, events and the qemu program need it). */
export function overrides(client: RpcClient, features: DaemonFeatures): Readonly<Record<string, Override>> {
  const { stringParams } = features;
  const pf = (flags: number): number => (stringParams ? flags : flags & ~STRING_OKAY);
  const table: Record<string, (call: RemoteCall, ...a: never[]) => Promise<unknown>> = {
    async connectGetVersion(call) {
      return Number(((await call(P.REMOTE_PROC_CONNECT_GET_VERSION)) as Rec).hv_ver);
    },
    async nodeGetInfo(call) {
      const r = (await call(P.REMOTE_PROC_NODE_GET_INFO)) as Rec;
      return { ...r, model: charsToString(r.model as number[]), memory: r.memory as bigint };
    },
    async nodeGetSecurityModel(call) {
      const r = (await call(P.REMOTE_PROC_NODE_GET_SECURITY_MODEL)) as Rec;
      return { model: charsToString(r.model as number[]), doi: charsToString(r.doi as number[]) };
    },
    async domainGetSecurityLabel(call, d: DomainRef) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL, { dom: dom(d) })) as Rec;
      return { label: charsToString(r.label as number[]), enforcing: r.enforcing === 1 };
    },
    async domainGetInfo(call, d: DomainRef) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_INFO, { dom: dom(d) })) as Rec;
      return { state: r.state, maxMem: Number(r.maxMem), memory: Number(r.memory), nrVirtCpu: r.nrVirtCpu, cpuTime: r.cpuTime };
    },
    async domainBlockStats(call, d: DomainRef, path: string) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_BLOCK_STATS, { dom: dom(d), path })) as Rec;
      return numbers(r, { rdReq: 'rd_req', rdBytes: 'rd_bytes', wrReq: 'wr_req', wrBytes: 'wr_bytes', errs: 'errs' });
    },
    async domainInterfaceStats(call, d: DomainRef, device: string) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_INTERFACE_STATS, { dom: dom(d), device })) as Rec;
      return numbers(r, {
        rxBytes: 'rx_bytes', rxPackets: 'rx_packets', rxErrs: 'rx_errs', rxDrop: 'rx_drop',
        txBytes: 'tx_bytes', txPackets: 'tx_packets', txErrs: 'tx_errs', txDrop: 'tx_drop',
      });
    },
    async domainGetBlockInfo(call, d: DomainRef, path: string, flags: number) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_BLOCK_INFO, { dom: dom(d), path, flags })) as Rec;
      return numbers(r, { capacity: 'capacity', allocation: 'allocation', physical: 'physical' });
    },
    async domainGetBlockJobInfo(call, d: DomainRef, path: string, flags: number) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_BLOCK_JOB_INFO, { dom: dom(d), path, flags })) as Rec;
      return r.found ? { type: r.type, bandwidth: r.bandwidth, cur: r.cur, end: r.end } : undefined;
    },
    async domainBlockCopy(call, d: DomainRef, path: string, destxml: string, p: readonly TypedParameter[], flags: number) {
      await call(P.REMOTE_PROC_DOMAIN_BLOCK_COPY, { dom: dom(d), path, destxml, params: toParams(p), flags });
    },
    async domainGetSchedulerParameters(call, d: DomainRef, flags: number) {
      const { nparams } = (await call(P.REMOTE_PROC_DOMAIN_GET_SCHEDULER_TYPE, { dom: dom(d) })) as Rec;
      // the call without flags (virDomainGetSchedulerParameters; flags 0 when the API did not say) has its own procedure
      const plain = call.api ? call.api === 'virDomainGetSchedulerParameters' : flags === 0;
      const r = (plain
        ? await call(P.REMOTE_PROC_DOMAIN_GET_SCHEDULER_PARAMETERS, { dom: dom(d), nparams })
        : await call(P.REMOTE_PROC_DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS, { dom: dom(d), nparams, flags: pf(flags) })) as Rec;
      return params(r.params);
    },
    async domainGetCPUStats(call, d: DomainRef, startCpu: number, ncpus: number, flags: number) {
      const ask = async (nparams: number, start: number, n: number) =>
        (await call(P.REMOTE_PROC_DOMAIN_GET_CPU_STATS, { dom: dom(d), nparams, start_cpu: start, ncpus: n, flags: pf(flags) })) as Rec;
      // nparams 0 and ncpus 0: how many CPUs; nparams 0 and ncpus 1: how many counters per CPU
      const cpus = (await ask(0, 0, 0)).nparams as number;
      if (ncpus === 0) return { cpus, stats: [] };
      const per = (await ask(0, startCpu === -1 ? -1 : 0, 1)).nparams as number;
      const all = params((await ask(per, startCpu, ncpus)).params);
      const stats: TypedParameter[][] = [];
      for (let i = 0; i < all.length; i += per) stats.push(all.slice(i, i + per));
      return { cpus, stats };
    },
    async domainSetTime(call, d: DomainRef, time: { seconds: bigint; nseconds: number }, flags: number) {
      await call(P.REMOTE_PROC_DOMAIN_SET_TIME, { dom: dom(d), seconds: BigInt(time.seconds), nseconds: time.nseconds, flags });
    },
    async domainGetDiskErrors(call, d: DomainRef, flags: number) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_DISK_ERRORS, { dom: dom(d), maxerrors: P.REMOTE_DOMAIN_DISK_ERRORS_MAX, flags })) as Rec;
      return r.errors;
    },
    async domainGetVcpus(call, d: DomainRef) {
      const [info, cpus] = await Promise.all([call(P.REMOTE_PROC_DOMAIN_GET_INFO, { dom: dom(d) }) as Promise<Rec>, hostCpus(call)]);
      const maplen = Math.ceil(cpus / 8);
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_VCPUS, { dom: dom(d), maxinfo: info.nrVirtCpu, maplen })) as Rec;
      const list = r.info as Rec[];
      return {
        info: list.map((v) => ({ number: v.number, state: v.state, cpuTime: v.cpu_time, cpu: v.cpu })),
        cpumaps: list.map((_, i) => bitmapToBools(r.cpumaps as Uint8Array, cpus, i * maplen)),
      };
    },
    async domainGetVcpuPinInfo(call, d: DomainRef, flags: number) {
      const cpus = await hostCpus(call);
      const maplen = Math.ceil(cpus / 8);
      const max = (await call(P.REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS, { dom: dom(d), flags: flags | 4 })) as Rec;
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_VCPU_PIN_INFO, { dom: dom(d), ncpumaps: max.num, maplen, flags })) as Rec;
      return Array.from({ length: r.num as number }, (_, i) => bitmapToBools(r.cpumaps as Uint8Array, cpus, i * maplen));
    },
    async domainPinVcpuFlags(call, d: DomainRef, vcpu: number, cpumap: readonly boolean[], flags: number) {
      await call(P.REMOTE_PROC_DOMAIN_PIN_VCPU_FLAGS, { dom: dom(d), vcpu, cpumap: boolsToBitmap(cpumap), flags });
    },
    async domainPinVcpu(call, d: DomainRef, vcpu: number, cpumap: readonly boolean[]) {
      await call(P.REMOTE_PROC_DOMAIN_PIN_VCPU, { dom: dom(d), vcpu, cpumap: boolsToBitmap(cpumap) });
    },
    async nodeGetCPUMap(call, flags: number) {
      const r = (await call(P.REMOTE_PROC_NODE_GET_CPU_MAP, { need_map: 1, need_online: 1, flags })) as Rec;
      return { cpus: r.ret, online: bitmapToBools(r.cpumap as Uint8Array, r.ret as number), onlineCount: r.online };
    },
    async domainGetIOThreadInfo(call, d: DomainRef, flags: number) {
      const [r, cpus] = await Promise.all([call(P.REMOTE_PROC_DOMAIN_GET_IOTHREAD_INFO, { dom: dom(d), flags }) as Promise<Rec>, hostCpus(call)]);
      return (r.info as Rec[]).map((t) => ({ iothreadId: t.iothread_id, cpumap: bitmapToBools(t.cpumap as Uint8Array, cpus) }));
    },
    async domainPinIOThread(call, d: DomainRef, iothreadsId: number, cpumap: readonly boolean[], flags: number) {
      await call(P.REMOTE_PROC_DOMAIN_PIN_IOTHREAD, { dom: dom(d), iothreads_id: iothreadsId, cpumap: boolsToBitmap(cpumap), flags });
    },
    async nodeGetCPUStats(call, cpuNum: number, flags: number) {
      return ((await twoStep(call, P.REMOTE_PROC_NODE_GET_CPU_STATS, { cpuNum, flags })).params as Rec[]);
    },
    async nodeGetMemoryStats(call, cellNum: number, flags: number) {
      return ((await twoStep(call, P.REMOTE_PROC_NODE_GET_MEMORY_STATS, { cellNum, flags })).params as Rec[]);
    },
    async nodeGetMemoryParameters(call, flags: number) {
      return params((await twoStep(call, P.REMOTE_PROC_NODE_GET_MEMORY_PARAMETERS, { flags })).params);
    },
    async nodeGetSEVInfo(call, flags: number) {
      return params(((await call(P.REMOTE_PROC_NODE_GET_SEV_INFO, { nparams: 0, flags })) as Rec).params);
    },
    async nodeDeviceListCaps(call, dev: { name: string }) {
      const { num } = (await call(P.REMOTE_PROC_NODE_DEVICE_NUM_OF_CAPS, { name: dev.name })) as Rec;
      return ((await call(P.REMOTE_PROC_NODE_DEVICE_LIST_CAPS, { name: dev.name, maxnames: num })) as Rec).names;
    },
    async networkGetDHCPLeases(call, net: { name: string; uuid: string }, mac: string | undefined, flags: number) {
      const r = (await call(P.REMOTE_PROC_NETWORK_GET_DHCP_LEASES, {
        net: toWire(P.remote_nonnull_network as Codec<unknown>, net), mac: mac ?? null, need_results: 1, flags,
      })) as Rec;
      return (r.leases as Rec[]).map((l) => ({
        iface: l.iface, expiryTime: Number(l.expirytime), type: l.type, mac: l.mac ?? '', iaid: l.iaid ?? undefined,
        ipaddr: l.ipaddr, prefix: l.prefix, hostname: l.hostname ?? undefined, clientid: l.clientid ?? undefined,
      }));
    },
    async connectGetAllDomainStats(call, doms: readonly DomainRef[] | undefined, stats: number, flags: number) {
      const r = (await call(P.REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS, { doms: (doms ?? []).map(dom), stats, flags })) as Rec;
      return (r.retStats as Rec[]).map((s) => ({
        dom: fromWire(P.remote_nonnull_domain as Codec<unknown>, s.dom),
        params: params(s.params),
      }));
    },
    async domainSetSchedulerParameters(call, d: DomainRef, p: readonly TypedParameter[], flags: number) {
      const args = { dom: dom(d), params: toParams(p) };
      if (call.api === 'virDomainSetSchedulerParameters') await call(P.REMOTE_PROC_DOMAIN_SET_SCHEDULER_PARAMETERS, args);
      else await call(P.REMOTE_PROC_DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS, { ...args, flags });
    },
    // the guest's interfaces: wire structs to the API's shapes
    async domainInterfaceAddresses(call, d: DomainRef, source: number, flags: number) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES, { dom: dom(d), source, flags })) as { ifaces: Array<Rec & { hwaddr: string | null; addrs: Rec[] }> };
      return r.ifaces.map((i) => ({ name: i.name, hwaddr: i.hwaddr ?? undefined, addrs: i.addrs.map((a) => ({ type: a.type, addr: a.addr, prefix: a.prefix })) }));
    },
    async domainCoreDumpWithFormat(call, d: DomainRef, to: string, dumpformat: number, flags: number) {
      // virDomainCoreDump has no format on the wire: libvirt's client sends its own procedure
      if (call.api === 'virDomainCoreDump') await call(P.REMOTE_PROC_DOMAIN_CORE_DUMP, { dom: dom(d), to, flags });
      else await call(P.REMOTE_PROC_DOMAIN_CORE_DUMP_WITH_FORMAT, { dom: dom(d), to, dumpformat, flags });
    },
    async networkCreate(call, net: { name: string; uuid: string }, flags: number) {
      // virNetworkCreate has no flags on the wire
      checkFlags(flags, 0, 'virNetworkCreate');
      await call(P.REMOTE_PROC_NETWORK_CREATE, { net: toWire(P.remote_nonnull_network as Codec<unknown>, net) });
    },
    async domainLxcOpenNamespace(_call, d: DomainRef, flags: number) {
      // the daemon answers with init's namespaces as descriptors passed over the unix socket, kept
      // open for the connection's life and named by this process's /proc entries; as the local
      // driver does, one this process already is in is left out (entering it again is EINVAL)
      const { fds } = await client.callReceivingFds(lxc_program, LXC_PROC_DOMAIN_OPEN_NAMESPACE, { dom: dom(d), flags }, 'virDomainLxcOpenNamespace');
      const all = fds.map((fd) => ({ kind: namespaceKind(fd), path: `/proc/${process.pid}/fd/${fd}`, fd }));
      const pidNs = all.find((n) => n.kind === 'pid');
      const pid = pidNs ? namespaceInit(pidNs.fd) : 0;
      const own = all.filter((n) => isOwnNamespace(n.fd, n.kind));
      client.closeFds(own.map((n) => n.fd));
      return { pid, namespaces: all.filter((n) => !own.includes(n)).map(({ kind, path }) => ({ kind, path })) };
    },
    async domainGetFSInfo(call, d: DomainRef, flags: number) {
      const r = (await call(P.REMOTE_PROC_DOMAIN_GET_FSINFO, { dom: dom(d), flags })) as P.remote_domain_get_fsinfo_ret;
      return r.info.map((f) => ({ mountpoint: f.mountpoint, name: f.name, fstype: f.fstype, devAliases: f.dev_aliases }));
    },
    async qemuAgentCommand(_call, d: DomainRef, cmd: string, timeout: number, flags: number) {
      const r = (await client.call(qemu_program, QEMU_PROC_DOMAIN_AGENT_COMMAND, { dom: dom(d), cmd, timeout, flags })) as Rec;
      return (r.result as string | null) ?? '';
    },
    async qemuMonitorCommand(_call, d: DomainRef, cmd: string, flags: number) {
      const r = (await client.call(qemu_program, QEMU_PROC_DOMAIN_MONITOR_COMMAND, { dom: dom(d), cmd, flags })) as Rec;
      return r.result;
    },
    ...streamOverrides(client),
    ...poolEventOverrides(client),
    ...closeCallbackOverrides(client, features.closeCallback),
    ...domainEventAnyOverrides(client),
    ...qemuMonitorEventOverrides(client),
    ...migrationOverrides(features),
  };
  // the typed-parameter getters of the nparams convention, and their counts
  for (const kind of ['Memory', 'Blkio', 'Numa'] as const) {
    const proc = P[`REMOTE_PROC_DOMAIN_GET_${kind.toUpperCase() as 'MEMORY' | 'BLKIO' | 'NUMA'}_PARAMETERS`];
    table[`domainGet${kind}Parameters`] = async (call, d: DomainRef, flags: number) =>
      params((await twoStep(call, proc, { dom: dom(d), flags: pf(flags) })).params);
    table[`domainGet${kind}ParameterCount`] = async (call, d: DomainRef, flags: number) =>
      ((await call(proc, { dom: dom(d), nparams: 0, flags: pf(flags) })) as Rec).nparams;
  }
  table.domainGetPerfEvents = async (call, d: DomainRef, flags: number) =>
    params(((await call(P.REMOTE_PROC_DOMAIN_GET_PERF_EVENTS, { dom: dom(d), flags })) as Rec).params);
  table.domainGetLaunchSecurityInfo = async (call, d: DomainRef, flags: number) =>
    params(((await call(P.REMOTE_PROC_DOMAIN_GET_LAUNCH_SECURITY_INFO, { dom: dom(d), flags: pf(flags) })) as Rec).params);
  // the typed-parameter getters of one disk or interface, and their counts
  for (const [kind, proc, arg] of [
    ['BlockIoTune', P.REMOTE_PROC_DOMAIN_GET_BLOCK_IO_TUNE, 'disk'], ['InterfaceParameter', P.REMOTE_PROC_DOMAIN_GET_INTERFACE_PARAMETERS, 'device'],
  ] as const) {
    const getter = kind === 'BlockIoTune' ? 'domainGetBlockIoTune' : 'domainGetInterfaceParameters';
    table[getter] = async (call, d: DomainRef, name: string, flags: number) =>
      params((await twoStep(call, proc, { dom: dom(d), [arg]: name, flags: pf(flags) })).params);
    table[`domainGet${kind}Count`] = async (call, d: DomainRef, name: string | undefined, flags: number) =>
      ((await call(proc, { dom: dom(d), [arg]: name, nparams: 0, flags: pf(flags) })) as Rec).nparams;
  }
  table.domainGetEmulatorPinInfo = async (call, d: DomainRef, flags: number) => {
    const cpus = await hostCpus(call);
    const r = (await call(P.REMOTE_PROC_DOMAIN_GET_EMULATOR_PIN_INFO, { dom: dom(d), maplen: Math.ceil(cpus / 8), flags })) as Rec;
    return bitmapToBools(r.cpumaps as Uint8Array, cpus);
  };
  table.domainPinEmulator = async (call, d: DomainRef, cpumap: readonly boolean[], flags: number) =>
    call(P.REMOTE_PROC_DOMAIN_PIN_EMULATOR, { dom: dom(d), cpumap: boolsToBitmap(cpumap), flags });
  table.qemuAttach = async (_call, pid: number, flags: number) =>
    fromWire(P.remote_nonnull_domain as Codec<unknown>, ((await client.call(qemu_program, QEMU_PROC_DOMAIN_ATTACH, { pid_value: pid, flags })) as Rec).dom);
  // libvirt's client asks the daemon whether it takes descriptors (FD_PASSING, once) before it sends any
  let fdPassing: Promise<boolean> | undefined;
  const checkFdPassing = async (): Promise<void> => {
    fdPassing ??= client.call(remote_program, P.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, { feature: FD_PASSING, flags: 0 })
      .then((r) => (r as Rec).supported === 1);
    if (!(await fdPassing)) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, 'fd passing is not supported by this connection', ErrorDomain.DOMAIN);
  };
  // the descriptors go with the call (CALL_WITH_FDS, SCM_RIGHTS)
  table.domainFDAssociate = async (_call, d: DomainRef, name: string, fds: readonly number[], flags: number) => {
    await checkFdPassing();
    return client.callSendingFds(remote_program, P.REMOTE_PROC_DOMAIN_FD_ASSOCIATE, { dom: dom(d), name, flags }, fds, 'virDomainFDAssociate');
  };
  // a start handing the guest descriptors; with none a plain call, as libvirt's client sends it
  const withFiles = async (proc: number, args: unknown, fds: readonly number[], api: string): Promise<DomainRef> =>
    fromWire(P.remote_nonnull_domain as Codec<unknown>, ((await (fds.length
      ? client.callSendingFds(remote_program, proc, args, fds, api)
      : client.call(remote_program, proc, args))) as Rec).dom) as DomainRef;
  table.domainCreateWithFiles = async (_call, d: DomainRef, fds: readonly number[], flags: number) =>
    withFiles(P.REMOTE_PROC_DOMAIN_CREATE_WITH_FILES, { dom: dom(d), flags }, fds, 'virDomainCreateWithFiles');
  table.domainCreateXMLWithFiles = async (_call, xml: string, fds: readonly number[], flags: number) =>
    withFiles(P.REMOTE_PROC_DOMAIN_CREATE_XML_WITH_FILES, { xml_desc: xml, flags }, fds, 'virDomainCreateXMLWithFiles');
  return table as Readonly<Record<string, Override>>;
}
