/**
 * `@tsvirt/remote/protocol`: libvirt 9.0's RPC protocol, generated from its `.x` files, for
 * clients and servers alike: every type and codec, the procedure tables, message framing, and
 * errors to and from VirError.
 */
export * as xdr from './protocol/xdr.js';
export { XdrError, XdrReader, XdrWriter, encode, decode, type Codec } from './protocol/xdr.js';
export { defineProgram, type Procedure, type Program } from './protocol/program.js';
export { programs, remote_program, qemu_program, lxc_program, keepalive_program, admin_program } from './protocol/programs.js';
export {
  MIN_FRAME,
  MAX_FRAME,
  callHeader,
  checkFrameLength,
  beginFrame,
  endFrame,
  decodeFrame,
  type Frame,
  type MessageHeader,
} from './protocol/header.js';
export { FrameReader } from './protocol/frame-reader.js';
export {
  procedureOf,
  encodeCall,
  encodeReply,
  encodeErrorReply,
  encodeEvent,
  encodeStreamData,
  decodeArgs,
  decodeRet,
  decodeEvent,
  decodeError,
} from './protocol/messages.js';
export { virErrorFromWire, virErrorToWire } from './protocol/error.js';
export * as remote from './generated/remote-protocol.js';
export * as qemu from './generated/qemu-protocol.js';
export * as lxc from './generated/lxc-protocol.js';
export * as keepalive from './generated/keepalive-protocol.js';
export * as admin from './generated/admin-protocol.js';
export * as virnet from './generated/virnet-protocol.js';
export * as libvirtH from './generated/libvirt-h.js';
export { FdReader, fdPassingMissing, noFdPassing, unixSocketFd, writeWithFds, type FdSink } from './client/fd-passing.js';
