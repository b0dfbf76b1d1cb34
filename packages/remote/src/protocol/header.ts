/**
 * The message header of libvirt's RPC (virnetprotocol.x) and the frame around it: a length word
 * that counts itself, the 24-byte header, then the payload.
 */
import {
  VIR_NET_CALL,
  VIR_NET_CALL_WITH_FDS,
  VIR_NET_MESSAGE_HEADER_MAX,
  VIR_NET_MESSAGE_LEN_MAX,
  VIR_NET_MESSAGE_MAX,
  VIR_NET_MESSAGE_NUM_FDS_MAX,
  VIR_NET_OK,
  VIR_NET_REPLY_WITH_FDS,
  virNetMessageHeader,
} from '../generated/virnet-protocol.js';
import { XdrError, XdrReader, XdrWriter } from './xdr.js';

export type MessageHeader = virNetMessageHeader;

/** Smallest frame: the length word and a header. */
export const MIN_FRAME = VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX;
/** Largest frame libvirt 9.0 sends or accepts, length word included. */
export const MAX_FRAME = VIR_NET_MESSAGE_MAX + VIR_NET_MESSAGE_LEN_MAX;

/** A header for a call (type CALL, status OK). */
export function callHeader(prog: number, vers: number, proc: number, serial: number): MessageHeader {
  return { prog, vers, proc, type: VIR_NET_CALL, serial, status: VIR_NET_OK };
}

/**
 * Checks a frame's length word: libvirt's bounds, so a peer cannot make us buffer without limit.
 * Returns the frame length (the length word included).
 */
export function checkFrameLength(len: number): number {
  if (len < MIN_FRAME) throw new XdrError(`packet ${len} bytes received from server too small, want ${MIN_FRAME}`);
  if (len > MAX_FRAME) throw new XdrError(`packet ${len} bytes received from server too large, want ${MAX_FRAME}`);
  return len;
}

/** A frame's size up to which its writer is kept for the next frame (larger ones are rare). */
const KEEP_WRITER = 64 * 1024;
let kept: XdrWriter | undefined;

/**
 * The writer a frame is built in: one kept across frames, since a frame is encoded in one
 * synchronous run and `endFrame` copies it out (a reply no longer grows a fresh buffer by doubling).
 */
function scratch(): XdrWriter {
  // a frame that failed midway (too large) may have grown it without reaching endFrame
  const w = kept && kept.capacity <= KEEP_WRITER ? kept : new XdrWriter(4096);
  kept = w;
  w.reset();
  return w;
}

/** Starts a frame: a length word to patch, then the header; returns the writer positioned for the payload. */
export function beginFrame(header: MessageHeader, w = scratch()): XdrWriter {
  w.uint(0);
  virNetMessageHeader.enc(w, header);
  return w;
}

/** Ends a frame: writes its length word and returns its bytes (a copy, safe to queue). */
export function endFrame(w: XdrWriter): Uint8Array {
  if (w === kept && w.capacity > KEEP_WRITER) kept = undefined;
  if (w.pos > MAX_FRAME) throw new XdrError(`message of ${w.pos} bytes over libvirt's limit ${MAX_FRAME}`);
  w.patchUint(0, w.pos);
  return w.result().slice();
}

/** One frame read off the wire: its header, the descriptors it announces, and its payload bytes. */
export interface Frame {
  readonly header: MessageHeader;
  /** How many file descriptors follow the frame (CALL_WITH_FDS, REPLY_WITH_FDS), else 0. */
  readonly nfds: number;
  readonly payload: Uint8Array;
}

/** Whether messages of this type carry file descriptors (a count after the header, one dummy byte each after the frame). */
export function typeHasFds(type: number): boolean {
  return type === VIR_NET_CALL_WITH_FDS || type === VIR_NET_REPLY_WITH_FDS;
}

/** Offsets in a frame: the type word of the header, and the descriptor count after the header. */
const TYPE_AT = 16;
const NFDS_AT = MIN_FRAME;

/**
 * The number of descriptors a whole frame announces (0 for a type without them), checked against
 * libvirt's limit of 32 a message.
 */
export function fdCountOf(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < NFDS_AT || !typeHasFds(view.getUint32(TYPE_AT))) return 0;
  if (frame.length < NFDS_AT + 4) throw new XdrError('message announces descriptors but has no count');
  const n = view.getUint32(NFDS_AT);
  if (n > VIR_NET_MESSAGE_NUM_FDS_MAX) throw new XdrError(`Too many FDs received from remote: ${n}, maximum ${VIR_NET_MESSAGE_NUM_FDS_MAX}`);
  return n;
}

/** Decodes one whole frame (length word included). */
export function decodeFrame(frame: Uint8Array): Frame {
  const r = new XdrReader(frame);
  const len = checkFrameLength(r.uint());
  if (len !== frame.length) throw new XdrError(`frame length word ${len} but ${frame.length} bytes`);
  const header = virNetMessageHeader.dec(r);
  const nfds = fdCountOf(frame);
  return { header, nfds, payload: frame.subarray(r.pos + (typeHasFds(header.type) ? 4 : 0)) };
}
