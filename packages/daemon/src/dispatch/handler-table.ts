import { lxc, noFdPassing, qemu, type MessageHeader, type remote } from '@tsvirt/remote/protocol';
import type { ClientContext } from './client-context.js';
import { domainOf, wireDomain } from './wire-objects.js';
import { ReplyWithFds } from './reply-fds.js';
import { connectHandlers } from './handlers/connect.js';
import { domainHandlers } from './handlers/domain.js';
import { domainInfoHandlers } from './handlers/domain-info.js';
import { eventHandlers, otherEventHandlers } from './handlers/events.js';
import { networkHandlers } from './handlers/network.js';
import { domainMomentHandlers } from './handlers/domain-moments.js';
import { hostDeviceHandlers } from './handlers/host-devices.js';
import { domainTuningHandlers } from './handlers/domain-tuning.js';
import { domainControlHandlers } from './handlers/domain-control.js';
import { domainStateHandlers } from './handlers/domain-state.js';
import { domainAgentHandlers } from './handlers/domain-agent.js';
import { secretFilterHandlers } from './handlers/secrets-filters.js';
import { hostHandlers } from './handlers/host.js';
import { storageHandlers, storageStreamHandlers } from './handlers/storage.js';
import { domainStreamHandlers } from './handlers/domain-streams.js';
import { domainBlockJobHandlers } from './handlers/domain-block-jobs.js';
import { domainGuestHandlers } from './handlers/domain-guest.js';
import { qemuMonitorEventHandlers } from './handlers/qemu-monitor-events.js';
import { domainMigrateHandlers } from './handlers/domain-migrate.js';
import { domainFdHandlers } from './handlers/domain-fds.js';

type Calls = remote.remote_calls;

/**
 * The server side of one remote procedure: its decoded arguments in, its reply value out; `fds`
 * are the descriptors the call brought (the session closes them when the call ends).
 */
export type Handler<P extends keyof Calls> = (ctx: ClientContext, args: Calls[P]['args'], call: MessageHeader, fds: readonly number[]) => Promise<Calls[P]['ret']>;

/**
 * The dispatch table of the remote program: procedure number → a call of @tsvirt/api. Each
 * handler is typed by the generated `remote_calls` map, so a wrong argument or reply shape is a
 * compile error; a procedure without a handler answers libvirt's `unknown procedure` error.
 */
export type RemoteHandlers = { readonly [P in keyof Calls]?: Handler<P> };

const remoteHandlers: RemoteHandlers = {
  ...connectHandlers,
  ...eventHandlers,
  ...otherEventHandlers,
  ...domainHandlers,
  ...domainInfoHandlers,
  ...networkHandlers,
  ...storageHandlers,
  ...storageStreamHandlers,
  ...domainStreamHandlers,
  ...domainBlockJobHandlers,
  ...domainMomentHandlers,
  ...hostDeviceHandlers,
  ...domainTuningHandlers,
  ...domainControlHandlers,
  ...domainStateHandlers,
  ...domainAgentHandlers,
  ...secretFilterHandlers,
  ...hostHandlers,
  ...domainGuestHandlers,
  ...domainMigrateHandlers,
  ...domainFdHandlers,
};

type QemuCalls = qemu.qemu_calls;
/** The dispatch table of the QEMU side program (libvirt-qemu's calls). */
export type QemuHandlers = { readonly [P in keyof QemuCalls]?: (ctx: ClientContext, args: QemuCalls[P]['args']) => Promise<QemuCalls[P]['ret']> };

const qemuHandlers: QemuHandlers = {
  [qemu.QEMU_PROC_DOMAIN_MONITOR_COMMAND]: async (ctx, a) => ({ result: await domainOf(ctx.conn, a.dom).qemuMonitorCommand(a.cmd, a.flags) }),
  [qemu.QEMU_PROC_DOMAIN_ATTACH]: async (ctx, a) => ({ dom: wireDomain(await ctx.conn.qemuAttach(a.pid_value, a.flags)) }),
  [qemu.QEMU_PROC_DOMAIN_AGENT_COMMAND]: async (ctx, a) => ({ result: await domainOf(ctx.conn, a.dom).qemuAgentCommand(a.cmd, a.timeout, a.flags) }),
  ...qemuMonitorEventHandlers,
};

type LxcCalls = lxc.lxc_calls;
/** The dispatch table of the LXC side program (libvirt-lxc's calls), whose replies may carry descriptors. */
export type LxcHandlers = { readonly [P in keyof LxcCalls]?: (ctx: ClientContext, args: LxcCalls[P]['args']) => Promise<LxcCalls[P]['ret'] | ReplyWithFds> };

const lxcHandlers: LxcHandlers = {
  // init's namespaces as descriptors, in the order the driver lists them (libvirt: ipc, mnt, net, pid, user, uts)
  [lxc.LXC_PROC_DOMAIN_OPEN_NAMESPACE]: async (ctx, a) => {
    const why = ctx.fdPassingMissing();
    if (why) throw noFdPassing('virDomainLxcOpenNamespace', why);
    const ns = await domainOf(ctx.conn, a.dom).lxcOpenNamespace(a.flags);
    return ReplyWithFds.open(undefined, ns.namespaces.map((n) => n.path));
  },
};

type AnyHandler = (ctx: ClientContext, args: unknown, call: MessageHeader, fds: readonly number[]) => Promise<unknown>;
const tables: Readonly<Record<string, Readonly<Record<number, unknown>>>> = { remote: remoteHandlers, qemu: qemuHandlers, lxc: lxcHandlers };

/** The handler of a procedure of a program, if the daemon serves it. */
export function handlerFor(program: string, proc: number): AnyHandler | undefined {
  return tables[program]?.[proc] as AnyHandler | undefined;
}

/** Procedure numbers the daemon serves (for its README's coverage figure and tests). */
export function servedProcedures(program = 'remote'): number[] {
  return Object.keys(tables[program] ?? {}).map(Number);
}
