import { ErrorCode, VirError } from '@tsvirt/util';
import { CommandFailed } from './vsh/ctl.js';

const ULLONG_MAX = 2n ** 64n - 1n;
const POWERS = 'kmgtpe';

/** The multiplier of a size suffix as libvirt reads it (k = KiB, kB = 1000, KiB = 1024, ...). */
function scaleOf(suffix: string): bigint | undefined {
  const s = suffix.toLowerCase();
  if (s === '') return 1n;
  if (s === 'b' || s === 'byte' || s === 'bytes') return 1n;
  const m = /^([kmgtpe])(ib|b)?$/.exec(s);
  if (!m) return undefined;
  return (m[2] === 'b' ? 1000n : 1024n) ** BigInt(POWERS.indexOf(m[1]!) + 1);
}

/**
 * A size as virsh reads one (a scaled integer, in bytes by default): unsigned decimal digits,
 * optionally after blanks and `+`, then a unit. Failures give virsh's `Malformed size X`, followed
 * by libvirt's reason when the number was fine but the unit was not.
 */
export function parseSize(text: string): bigint {
  const m = /^\s*\+?(\d+)(.*)$/s.exec(text);
  const malformed = (cause?: VirError) => new CommandFailed(`Malformed size ${text}`, cause);
  if (!m) throw malformed();
  const value = BigInt(m[1]!);
  if (value > ULLONG_MAX) throw malformed();
  const suffix = m[2]!;
  const scale = scaleOf(suffix);
  if (scale === undefined) throw malformed(new VirError(ErrorCode.INVALID_ARG, `unknown suffix '${suffix}'`));
  if (value * scale > ULLONG_MAX) throw malformed(new VirError(ErrorCode.OVERFLOW, `value too large: ${value}${suffix}`));
  return value * scale;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/**
 * `n / divisor` with two decimals, rounded as C's printf("%.2f") does: to nearest, ties to even.
 * Exact in integers, so the digits are those of the true quotient.
 */
function fixed2(n: bigint, divisor: bigint): string {
  const scaled = n * 100n;
  let q = scaled / divisor;
  const twice = (scaled % divisor) * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q += 1n;
  return `${q / 100n}.${String(q % 100n).padStart(2, '0')}`;
}

/** virsh's human-readable size: the largest binary unit the value reaches, two decimals (`10.00 MiB`). */
export function prettySize(bytes: bigint): string {
  let unit = 0;
  while (unit < UNITS.length - 1 && bytes >= 1024n ** BigInt(unit + 1)) unit++;
  return `${fixed2(bytes, 1024n ** BigInt(unit))} ${UNITS[unit]}`;
}
