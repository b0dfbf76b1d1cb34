import { ErrorCode, VirError } from '@tsvirt/util';
import { CommandFailed } from './ctl.js';
import type { ParsedCommand } from './parsed-command.js';
import { VshError } from './vsh-error.js';

/** A string option that may be absent but not empty (virsh's vshCommandOptStringReq). */
export function nonEmptyOpt(cmd: ParsedCommand, name: string): string | undefined {
  const v = cmd.string(name);
  if (v === '') throw new VshError(`Failed to get option '${name}': Option argument is empty`);
  return v;
}

/** strtoul's syntax as libvirt's virStrToLong_* accept it: blanks, an optional '+', digits, nothing after. */
const UNSIGNED = /^\s*\+?(\d+)$/;

/** An unsigned 32-bit option (vshCommandOptUInt): no sign, no suffix, nothing past 4294967295. */
export function uintOpt(cmd: ParsedCommand, name: string): number | undefined {
  const v = cmd.string(name);
  if (v === undefined) return undefined;
  const m = UNSIGNED.exec(v);
  if (!m || Number(m[1]) > 0xffffffff) throw new VshError(`Numeric value '${v}' for <${name}> option is malformed or out of range`);
  return Number(m[1]);
}

const POWERS = 'kmgtpe';

/**
 * libvirt's virScaleInteger: `b`/`byte`/`bytes` are bytes, `K`/`KiB` ... `E`/`EiB` powers of 1024,
 * `KB` ... `EB` powers of 1000, no suffix means `scale`.
 */
export function scaleOf(suffix: string, scale: bigint): bigint {
  if (suffix === '') return scale;
  if (/^(b|bytes?)$/i.test(suffix)) return 1n;
  const base = suffix.length === 1 || /^.ib$/i.test(suffix) ? 1024n : /^.b$/i.test(suffix) ? 1000n : undefined;
  const power = POWERS.indexOf(suffix[0]!.toLowerCase()) + 1;
  if (base === undefined || power === 0) throw new VirError(ErrorCode.INVALID_ARG, `unknown suffix '${suffix}'`);
  return base ** BigInt(power);
}

/**
 * A size with an optional unit suffix, in bytes (vshCommandOptScaledInt); `scale` is what a bare
 * number counts, `label` how the message names the option. virsh's line comes first, then
 * libvirt's reason when there is one.
 */
export function scaledOpt(cmd: ParsedCommand, name: string, scale: bigint, max = 2n ** 64n - 1n, label = name): bigint | undefined {
  const v = cmd.string(name);
  if (v === undefined) return undefined;
  const malformed = `Scaled numeric value '${v}' for <${label}> option is malformed or out of range`;
  const m = /^\s*\+?(\d+)(.*)$/s.exec(v);
  if (!m || BigInt(m[1]!) > max) throw new VshError(malformed);
  const value = BigInt(m[1]!);
  try {
    const factor = scaleOf(m[2]!, scale);
    if (value > max / factor) throw new VirError(ErrorCode.OVERFLOW, `value too large: ${m[1]}${m[2]}`);
    return value * factor;
  } catch (e) {
    throw new CommandFailed(malformed, e);
  }
}

/** A signed 64-bit option (vshCommandOptLongLong): strtoll's syntax in base 10, no suffix. */
export function longLongOpt(cmd: ParsedCommand, name: string): bigint | undefined {
  const v = cmd.string(name);
  if (v === undefined) return undefined;
  const n = /^\s*[+-]?\d+$/.test(v) ? BigInt(v.trim()) : undefined;
  if (n === undefined || n < -(2n ** 63n) || n >= 2n ** 63n) throw new VshError(`Numeric value '${v}' for <${name}> option is malformed or out of range`);
  return n;
}

/**
 * An unsigned 64-bit option: vshCommandOptULongLong refuses a sign, vshCommandOptULongLongWrap
 * (`wrap`) takes a negative number as strtoull does, wrapped around.
 */
export function ullOpt(cmd: ParsedCommand, name: string, wrap = false): bigint | undefined {
  const v = cmd.string(name);
  if (v === undefined) return undefined;
  const m = /^\s*([+-]?)(\d+)$/.exec(v);
  let n = m && (m[1] !== '-' || wrap) ? BigInt(m[2]!) : undefined;
  if (n !== undefined && n >= 2n ** 64n) n = undefined;
  if (n === undefined) throw new VshError(`Numeric value '${v}' for <${name}> option is malformed or out of range`);
  return m![1] === '-' && n !== 0n ? 2n ** 64n - n : n;
}
