import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { domainOf } from '../wire-objects.js';
import { apiParams, cpumapBools, cpumapBytes, paramsReply, wireParams } from '../wire-values.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);

/** Signals, lifecycle actions, vcpu state, devices by alias, emulator pinning, I/O and bandwidth limits, launch security, native formats. */
export const domainControlHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_SEND_PROCESS_SIGNAL]: async (ctx, a) => dom(ctx, a.dom).sendProcessSignal(a.pid_value, a.signum, a.flags),
  [P.REMOTE_PROC_DOMAIN_SET_LIFECYCLE_ACTION]: async (ctx, a) => dom(ctx, a.dom).setLifecycleAction(a.type, a.action, a.flags),
  [P.REMOTE_PROC_DOMAIN_SET_VCPU]: async (ctx, a) => dom(ctx, a.dom).setVcpu(a.cpumap, a.state !== 0, a.flags),
  [P.REMOTE_PROC_DOMAIN_DETACH_DEVICE_ALIAS]: async (ctx, a) => dom(ctx, a.dom).detachDeviceAlias(a.alias, a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_EMULATOR_PIN_INFO]: async (ctx, a) => ({
    cpumaps: cpumapBytes(await dom(ctx, a.dom).emulatorPinInfo(a.flags), a.maplen), ret: 1,
  }),
  [P.REMOTE_PROC_DOMAIN_PIN_EMULATOR]: async (ctx, a) => dom(ctx, a.dom).pinEmulator(cpumapBools(a.cpumap), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_BLOCK_IO_TUNE]: async (ctx, a) => a.nparams === 0
    ? { params: [], nparams: await dom(ctx, a.dom).blockIoTuneCount(a.disk ?? undefined, a.flags) }
    : paramsReply(await dom(ctx, a.dom).blockIoTune(a.disk ?? '', a.flags), a.nparams),
  [P.REMOTE_PROC_DOMAIN_SET_BLOCK_IO_TUNE]: async (ctx, a) => dom(ctx, a.dom).setBlockIoTune(a.disk, apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_INTERFACE_PARAMETERS]: async (ctx, a) => a.nparams === 0
    ? { params: [], nparams: await dom(ctx, a.dom).interfaceParameterCount(a.device, a.flags) }
    : paramsReply(await dom(ctx, a.dom).interfaceParameters(a.device, a.flags), a.nparams),
  [P.REMOTE_PROC_DOMAIN_SET_INTERFACE_PARAMETERS]: async (ctx, a) =>
    dom(ctx, a.dom).setInterfaceParameters(a.device, apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_LAUNCH_SECURITY_INFO]: async (ctx, a) => ({ params: wireParams(await dom(ctx, a.dom).launchSecurityInfo(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_SET_LAUNCH_SECURITY_STATE]: async (ctx, a) => dom(ctx, a.dom).setLaunchSecurityState(apiParams(a.params), a.flags),
  [P.REMOTE_PROC_CONNECT_DOMAIN_XML_FROM_NATIVE]: async (ctx, a) => ({
    domainXml: await ctx.conn.domainXMLFromNative(a.nativeFormat, a.nativeConfig, a.flags),
  }),
  [P.REMOTE_PROC_CONNECT_DOMAIN_XML_TO_NATIVE]: async (ctx, a) => ({
    nativeConfig: await ctx.conn.domainXMLToNative(a.nativeFormat, a.domainXml, a.flags),
  }),
};
