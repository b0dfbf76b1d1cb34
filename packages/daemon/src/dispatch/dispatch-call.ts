import {
  XdrError, decodeArgs, encodeErrorReply, encodeReply, programs, virErrorToWire, virnet, type Frame,
} from '@tsvirt/remote/protocol';
import { ErrorCode, ErrorDomain, VirError, noSupport } from '@tsvirt/util';
import type { ClientContext } from './client-context.js';
import { handlerFor } from './handler-table.js';
import { denyReadonlyCall, publicApiName } from './readonly-rule.js';
import { ReplyWithFds, type DispatchReply } from './reply-fds.js';

function rpcError(text: string): VirError {
  return new VirError(ErrorCode.RPC, text, ErrorDomain.RPC);
}

/**
 * Runs one call and answers its reply frame (never throws): the program and procedure are looked
 * up in the generated tables, the arguments decoded with the generated codec, the handler of the
 * dispatch table run, and any failure turned into libvirt's error reply with the same serial. A
 * handler's ReplyWithFds becomes a REPLY_WITH_FDS frame and the descriptors to send after it.
 * `fds` are the descriptors the call brought (CALL_WITH_FDS), the caller's to close: a handler
 * that keeps one makes its own copy, and a procedure that takes none ignores them, as libvirtd.
 */
export async function dispatchCall(ctx: ClientContext, frame: Frame, fds: readonly number[] = []): Promise<DispatchReply> {
  const h = frame.header;
  try {
    const program = programs.get(h.prog);
    if (!program || program.version !== h.vers) throw rpcError(`Cannot find program ${h.prog} version ${h.vers}`);
    if (h.status !== virnet.VIR_NET_OK) throw rpcError(`Unexpected message status ${h.status}`);
    const procedure = program.procedures.get(h.proc);
    if (!procedure || procedure.event) throw new VirError(ErrorCode.NO_SUPPORT, `unknown procedure: ${h.proc}`, ErrorDomain.RPC);
    ctx.auth.check(h.proc, program.name);
    let args: unknown;
    try {
      args = decodeArgs(h, frame.payload);
    } catch (e) {
      if (e instanceof XdrError) throw rpcError(`Unable to decode message payload: ${e.message}`);
      throw e;
    }
    if (ctx.readonly && ctx.isOpen) denyReadonlyCall(procedure);
    // A procedure tsvirt has no call for is NO_SUPPORT naming its public API, as a driver without the entry.
    const handler = handlerFor(program.name, h.proc);
    if (!handler) throw noSupport(publicApiName(procedure));
    const ret = await handler(ctx, args, h, fds);
    if (ret instanceof ReplyWithFds) return { frame: encodeReply(program, h.proc, h.serial, ret.ret, ret.fds.length), fds: ret.fds };
    return { frame: encodeReply(program, h.proc, h.serial, ret) };
  } catch (e) {
    return { frame: encodeErrorReply(h, virErrorToWire(e)) };
  }
}
