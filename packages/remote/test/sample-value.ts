/**
 * Builds a sample value of any `.x` type from its parsed definition, for the round-trip test:
 * every field filled, variable arrays with two items, optionals present and absent by turn,
 * every union arm in turn.
 */
import type { Definition, XdrType } from '../scripts/xdr/parse.mjs';

export type Defs = ReadonlyMap<string, Definition>;

export function sampleOf(defs: Defs, consts: ReadonlyMap<string, number>, t: XdrType | { kind: 'void' }, seed: number): unknown {
  switch (t.kind) {
    case 'void':
      return undefined;
    case 'prim':
      if (t.name === 'hyper') return BigInt(-seed) * 1000000007n;
      if (t.name === 'unsigned hyper') return 0xfedcba9876543210n + BigInt(seed);
      if (t.name === 'bool') return seed % 2 === 0;
      if (t.name === 'double' || t.name === 'float') return seed + 0.5;
      if (t.name.startsWith('unsigned')) return 0x80000000 + seed;
      return -seed - 1;
    case 'string':
      return `s${seed}é`;
    case 'opaque':
      return new Uint8Array(t.fixed ? sizeOf(consts, t.size) : 5).map((_, i) => i + seed);
    case 'array': {
      const n = t.fixed ? sizeOf(consts, t.size) : 2;
      return Array.from({ length: n }, (_, i) => sampleOf(defs, consts, t.of, seed + i + 1));
    }
    case 'optional':
      return seed % 2 === 0 ? null : sampleOf(defs, consts, t.of, seed + 1);
    case 'ref':
      return sampleOfDef(defs, consts, t.name, seed);
  }
}

export function sampleOfDef(defs: Defs, consts: ReadonlyMap<string, number>, name: string, seed: number): unknown {
  const d = defs.get(name);
  if (!d) throw new Error(`no definition ${name}`);
  switch (d.kind) {
    case 'enum':
      return consts.get(d.values[seed % d.values.length]!.name);
    case 'typedef':
      return sampleOf(defs, consts, d.type, seed);
    case 'struct':
      return Object.fromEntries(d.fields.map((f, i) => [f.name, sampleOf(defs, consts, f.type, seed + i)]));
    case 'union': {
      const arm = d.arms[seed % d.arms.length]!;
      const o: Record<string, unknown> = { [d.discriminant.name]: consts.get(arm.cases[0]!) ?? Number(arm.cases[0]) };
      if (arm.field.name !== null) o[arm.field.name] = sampleOf(defs, consts, arm.field.type, seed);
      return o;
    }
    case 'const':
      throw new Error(`${name} is a constant`);
  }
}

function sizeOf(consts: ReadonlyMap<string, number>, size: string | null): number {
  if (size === null) throw new Error('fixed size missing');
  return /^[0-9]/.test(size) ? Number(size) : consts.get(size)!;
}
