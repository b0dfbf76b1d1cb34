import type { CommandSpec } from './command-def.js';
import { VshError } from './vsh-error.js';

/** A command with its options resolved: what a handler reads. */
export class ParsedCommand {
  constructor(
    readonly def: CommandSpec,
    private readonly values: ReadonlyMap<string, string | true | string[]>,
    /** `CMD --help` was given: the caller shows the command's help instead of running it. */
    readonly helpAsked = false,
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  string(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  /** A required string: parsing already guaranteed it is there; virsh refuses it empty. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw new VshError(`command '${this.def.name}' requires <${name}> option`);
    if (v === '') throw new VshError(`Failed to get option '${name}': Option argument is empty`);
    return v;
  }

  argv(name: string): string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : [];
  }

  /** An integer option with virsh's error for a bad number. */
  int(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    // virStrToLong_i: strtol's syntax in base 10, within a C int.
    const n = /^\s*[+-]?\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= -(2 ** 31) && n < 2 ** 31)) throw new VshError(`Numeric value '${v}' for <${name}> option is malformed or out of range`);
    return n;
  }

  /** virsh's check that two options are not given together. */
  exclusive(a: string, b: string): void {
    if (this.has(a) && this.has(b)) throw new VshError(`Options --${a} and --${b} are mutually exclusive`);
  }
}
