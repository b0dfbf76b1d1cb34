/**
 * Encoding and decoding of whole messages for any procedure of any program, by number: what a
 * client sends and reads, and what a server reads and sends.
 */
import {
  VIR_NET_CALL,
  VIR_NET_ERROR,
  VIR_NET_MESSAGE,
  VIR_NET_OK,
  VIR_NET_REPLY,
  VIR_NET_REPLY_WITH_FDS,
  VIR_NET_CALL_WITH_FDS,
  type virNetMessageType,
  type virNetMessageStatus,
} from '../generated/virnet-protocol.js';
import { remote_error } from '../generated/remote-protocol.js';
import { beginFrame, endFrame, type MessageHeader } from './header.js';
import type { Procedure, Program } from './program.js';
import { programs } from './programs.js';
import { XdrError, XdrReader, type Codec } from './xdr.js';

/** The procedure `proc` of program number `prog`, or an XdrError naming what is unknown. */
export function procedureOf(prog: number, proc: number): { program: Program; procedure: Procedure } {
  const program = programs.get(prog);
  if (!program) throw new XdrError(`unknown program 0x${prog.toString(16)}`);
  const procedure = program.procedures.get(proc);
  if (!procedure) throw new XdrError(`unknown procedure ${proc} in program ${program.name}`);
  return { program, procedure };
}

function frame(
  program: Program,
  proc: number,
  type: virNetMessageType,
  serial: number,
  status: virNetMessageStatus,
  codec: Codec<unknown> | null,
  body: unknown,
  nfds?: number,
): Uint8Array {
  const header: MessageHeader = { prog: program.program, vers: program.version, proc, type, serial, status };
  const w = beginFrame(header);
  if (nfds !== undefined) w.uint(nfds);
  if (codec) codec.enc(w, body);
  return endFrame(w);
}

const which = (p: Procedure, part: 'args' | 'ret' | 'event'): Codec<unknown> | null => p[part];

/** A call's frame; with `nfds`, a CALL_WITH_FDS announcing that many descriptors. */
export function encodeCall(program: Program, proc: number, serial: number, args?: unknown, nfds?: number): Uint8Array {
  const p = procedureOf(program.program, proc).procedure;
  return frame(program, proc, nfds === undefined ? VIR_NET_CALL : VIR_NET_CALL_WITH_FDS, serial, VIR_NET_OK, which(p, 'args'), args, nfds);
}

/** A successful reply's frame; with `nfds`, a REPLY_WITH_FDS announcing that many descriptors. */
export function encodeReply(program: Program, proc: number, serial: number, ret?: unknown, nfds?: number): Uint8Array {
  const p = procedureOf(program.program, proc).procedure;
  if (nfds === undefined) return frame(program, proc, VIR_NET_REPLY, serial, VIR_NET_OK, which(p, 'ret'), ret);
  return frame(program, proc, VIR_NET_REPLY_WITH_FDS, serial, VIR_NET_OK, which(p, 'ret'), ret, nfds);
}

/** An error reply's frame (the payload is `remote_error`). */
export function encodeErrorReply(header: MessageHeader, err: remote_error, type: virNetMessageType = VIR_NET_REPLY): Uint8Array {
  const w = beginFrame({ ...header, type, status: VIR_NET_ERROR });
  remote_error.enc(w, err);
  return endFrame(w);
}

/** An event's frame (type MESSAGE, serial 0 as libvirt sends them). */
export function encodeEvent(program: Program, proc: number, msg: unknown): Uint8Array {
  const p = procedureOf(program.program, proc).procedure;
  return frame(program, proc, VIR_NET_MESSAGE, 0, VIR_NET_OK, which(p, 'event'), msg);
}

/**
 * A stream packet: raw bytes (not XDR opaque: no length word, no padding) after the header; the
 * header's status says CONTINUE (data follows), OK (end) or ERROR (abort).
 */
export function encodeStreamData(header: MessageHeader, data: Uint8Array | null): Uint8Array {
  const len = 28 + (data?.length ?? 0);
  const w = beginFrame(header);
  const out = new Uint8Array(len);
  out.set(w.result());
  if (data) out.set(data, 28);
  new DataView(out.buffer).setUint32(0, len);
  return out;
}

function decodeWith(codec: Codec<unknown> | null, payload: Uint8Array, what: string): unknown {
  if (!codec) {
    if (payload.length) throw new XdrError(`${what}: ${payload.length} unexpected bytes`);
    return undefined;
  }
  const r = new XdrReader(payload);
  const v = codec.dec(r);
  if (r.remaining) throw new XdrError(`${what}: ${r.remaining} bytes after its value`);
  return v;
}

/** Decodes a call's arguments from its payload. */
export function decodeArgs(header: MessageHeader, payload: Uint8Array): unknown {
  const p = procedureOf(header.prog, header.proc).procedure;
  return decodeWith(which(p, 'args'), payload, `arguments of ${p.name}`);
}

/** Decodes a successful reply's value from its payload. */
export function decodeRet(header: MessageHeader, payload: Uint8Array): unknown {
  const p = procedureOf(header.prog, header.proc).procedure;
  return decodeWith(which(p, 'ret'), payload, `reply of ${p.name}`);
}

/** Decodes an event message from its payload. */
export function decodeEvent(header: MessageHeader, payload: Uint8Array): unknown {
  const p = procedureOf(header.prog, header.proc).procedure;
  return decodeWith(which(p, 'event'), payload, `event ${p.name}`);
}

/** Decodes the error struct of a reply or stream frame whose status is ERROR. */
export function decodeError(payload: Uint8Array): remote_error {
  return decodeWith(remote_error as Codec<unknown>, payload, 'error') as remote_error;
}
