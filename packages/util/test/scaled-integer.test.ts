import { describe, expect, it } from 'vitest';
import { ErrorCode, LLONG_MAX, ULLONG_MAX, VirError, leadingUnsigned, parseScaledInteger, scaleInteger, unitScale } from '../src/index.js';
import { VIRSH_CASE_TIMEOUT, virshTest } from './virsh-oracle.js';

const SUFFIXES = ['', 'b', 'B', 'byte', 'bytes', 'Bytes', 'k', 'K', 'KiB', 'kib', 'KB', 'kB', 'm', 'MiB', 'MB', 'g', 'GiB', 'GB',
  't', 'TiB', 'TB', 'p', 'P', 'PiB', 'PB', 'e', 'E', 'EiB', 'EB', 'Q', 'KiBs', 'x', 'iB', 'kbb', ' k', 'k '];

/** Inputs virsh reads as sizes: every suffix on small and edge numbers, and malformed numbers. */
const INPUTS = [
  ...SUFFIXES.map((s) => `3${s}`),
  '8P', '1e', '7E', '15E', '16E', '16EiB', '18EB', '19EB', '8796093022208M', '8796093022209M', '9007199254740993',
  `${ULLONG_MAX}`, `${ULLONG_MAX + 1n}`, `${ULLONG_MAX}b`, `${ULLONG_MAX}k`, '0E', '0', '+5k', ' 5', '\t7', '-5', ' -5',
  'k', '0x10', '5.5G', '00000000000000000000000000018446744073709551615',
];

/** What virsh 9.0 prints for `vol-create-as --print-xml` with this capacity: the bytes, or its error lines. */
function virshAnswer(size: string): string {
  const r = virshTest(['vol-create-as', 'default-pool', 'v', size, '--print-xml']);
  return /<capacity>(\d+)<\/capacity>/.exec(r.stdout)?.[1] ?? r.stderr.trim();
}

/** The same through parseScaledInteger, worded as virsh words its size errors. */
function ourAnswer(size: string): string {
  const malformed = `error: Malformed size ${size}`;
  try {
    const v = parseScaledInteger(size);
    return v === undefined ? malformed : String(v);
  } catch (e) {
    if (!(e instanceof VirError)) throw e;
    return `${malformed}\nerror: ${e.message}`;
  }
}

describe('scaled integers as virsh reads sizes (oracle: virsh 9.0 vol-create-as --print-xml)', () => {
  it.each(INPUTS)('%j', (size) => {
    expect(ourAnswer(size)).toBe(virshAnswer(size));
  }, VIRSH_CASE_TIMEOUT);
});

describe('scaled integers exactly', () => {
  it('reads 8P, 1e and 2^64-1 exactly and refuses 2^64', () => {
    expect(parseScaledInteger('8P')).toBe(9007199254740992n);
    expect(parseScaledInteger('1e')).toBe(1152921504606846976n);
    expect(parseScaledInteger('18446744073709551615')).toBe(ULLONG_MAX);
    expect(parseScaledInteger('18446744073709551616')).toBeUndefined();
    expect(parseScaledInteger('9007199254740993')).toBe(9007199254740993n);
  });

  it('words an overflow and an unknown suffix as libvirt does', () => {
    expect(() => parseScaledInteger('16E')).toThrow(expect.objectContaining({ code: ErrorCode.OVERFLOW, message: 'numerical overflow: value too large: 16E' }));
    expect(() => parseScaledInteger('3Q')).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARG, message: "invalid argument: unknown suffix 'Q'" }));
  });

  it('takes a limit and a scale for a bare number', () => {
    expect(parseScaledInteger('8', 1024n)).toBe(8192n);
    expect(scaleInteger(LLONG_MAX, undefined, 1n, LLONG_MAX)).toBe(LLONG_MAX);
    expect(() => scaleInteger(LLONG_MAX + 1n, '', 1n, LLONG_MAX)).toThrow('value too large: 9223372036854775808');
    expect(() => scaleInteger(8n, 'E', 1n, LLONG_MAX)).toThrow('value too large: 8E');
    expect(scaleInteger(0n, 'E', 1n, 0n)).toBe(0n);
  });

  it('knows every unit as libvirt does', () => {
    expect(unitScale('KB', 1n)).toBe(1000n);
    expect(unitScale('kib', 1n)).toBe(1024n);
    expect(unitScale('EB', 1n)).toBe(10n ** 18n);
    expect(unitScale(undefined, 512n)).toBe(512n);
    expect(unitScale('', 512n)).toBe(512n);
  });

  it('reads the leading number as strtoull does and keeps the rest', () => {
    expect(leadingUnsigned(' +12k')).toEqual({ value: 12n, rest: 'k' });
    expect(leadingUnsigned('-1')).toBeUndefined();
    expect(leadingUnsigned('x')).toBeUndefined();
  });
});
