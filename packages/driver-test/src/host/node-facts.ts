import { nodeConfigFacts, type XmlElement } from '@tsvirt/conf';
import type { NodeInfo } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { DEFAULT_NODE_INFO } from '../default-config.js';

/** virNodeInfo's model is a 32-byte C string. */
const MODEL_SIZE = 32;
const UINT_MAX = 0xffff_ffffn;
const ULLONG_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * An unsigned number as libvirt's virStrToLong_u* read it: blanks and a '+' before the digits, no
 * sign of minus anywhere (not even "-0"), nothing after them, no more than `max`.
 */
function unsignedOf(text: string, max: bigint): bigint | undefined {
  const m = /^\s*\+?(\d+)$/.exec(text);
  const value = m ? BigInt(m[1]!) : undefined;
  return value !== undefined && value <= max ? value : undefined;
}

/**
 * The text of a fact (libvirt reads the first element of its name, `/node/cpu/nodes[1]`), parsed as
 * an unsigned number of at most `max`; undefined when the element is absent or empty, as libvirt
 * keeps its default then.
 */
function field(text: string | undefined, what: string, max: bigint): bigint | undefined {
  if (text === undefined || text === '') return undefined;
  const value = unsignedOf(text, max);
  if (value === undefined) throw new VirError(ErrorCode.XML_ERROR, `invalid node ${what} value`, ErrorDomain.TEST);
  return value;
}

/**
 * The host facts of a custom config (`<node><cpu>...</cpu><memory>`), checked in libvirt's order
 * and words. Unset fields keep test:///default's; CPU(s) is the product of the topology (wrapping as
 * a C unsigned int does), lowered to `<active>` when that is smaller. Memory is kept exact (a bigint).
 */
export function nodeFactsOf(node: XmlElement): NodeInfo {
  const { cpu, memory: memoryText } = nodeConfigFacts(node);
  const uint = (name: 'nodes' | 'sockets' | 'cores' | 'threads' | 'mhz', fallback: number): number =>
    Number(field(cpu[name], `cpu ${name}`, UINT_MAX) ?? fallback);
  const d = DEFAULT_NODE_INFO;
  const nodes = uint('nodes', d.nodes);
  const sockets = uint('sockets', d.sockets);
  const cores = uint('cores', d.cores);
  const threads = uint('threads', d.threads);
  const product = Number((BigInt(cores) * BigInt(threads) * BigInt(sockets) * BigInt(nodes)) & UINT_MAX);
  const active = field(cpu.active, 'cpu active', UINT_MAX);
  const mhz = uint('mhz', d.mhz);
  const model = cpu.model || d.model;
  if (model.length >= MODEL_SIZE) throw new VirError(ErrorCode.INTERNAL_ERROR, `Model ${model} too big for destination`, ErrorDomain.TEST);
  const memory = field(memoryText, 'memory', ULLONG_MAX);
  return {
    model, mhz, nodes, sockets, cores, threads,
    cpus: active !== undefined && Number(active) < product ? Number(active) : product,
    memory: memory ?? d.memory,
  };
}
