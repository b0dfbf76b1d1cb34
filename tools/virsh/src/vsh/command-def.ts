import type { Ctl } from './ctl.js';
import type { ParsedCommand } from './parsed-command.js';

/** The kinds of option virsh knows (vshCmdOptType). */
export type OptType = 'bool' | 'string' | 'int' | 'argv' | 'alias';

/** One option of a command. */
export interface OptDef {
  readonly name: string;
  readonly type: OptType;
  /** May be given without its `--name`, in order. */
  readonly positional?: boolean;
  readonly required?: boolean;
  /** For `alias`: the option this name stands for. */
  readonly aliasOf?: string;
  readonly help: string;
  /** Only ever given as `--name VALUE`, never filled from a bare word (virsh's VSH_OFLAG_REQ_OPT). */
  readonly namedOnly?: boolean;
  /** Left out of `help CMD`, whose text must stay virsh's byte for byte (tsvirsh's own options). */
  readonly hidden?: boolean;
  /**
   * A positional that virsh declares as a plain string option (VSH_OT_STRING, filled from a bare
   * word all the same): its help shows `[--name <string>]`, not `[<name>]`.
   */
  readonly helpAsNamed?: boolean;
}

/** What parsing, help and completion need of a command; the command table holds one per command. */
export interface CommandSpec {
  readonly name: string;
  readonly group: string;
  /** One-line summary shown in `help` listings and NAME. */
  readonly help: string;
  /** DESCRIPTION text, when the command has one. */
  readonly desc?: string;
  readonly options: readonly OptDef[];
  /** Commands that work without a hypervisor connection (echo, help, quit). */
  readonly noConnect?: boolean;
}

/** A command with what it does; its module is imported only when it runs. */
export interface CommandDef extends CommandSpec {
  /** Runs the command; false means it failed (virsh then reports the error). */
  run(ctl: Ctl, cmd: ParsedCommand): Promise<boolean>;
}

/** A command in the command table: its spec and where its implementation is exported from. */
export interface CommandEntry extends CommandSpec {
  /** The module under `src/commands/`, without its extension (`domain/domain-xml`). */
  readonly module: string;
  /** The name that module exports the command's CommandDef under. */
  readonly export: string;
}

/** A group of commands, as `virsh help` lists them (the command table holds their names). */
export interface CommandGroup<C extends CommandSpec | string = CommandEntry> {
  readonly name: string;
  /** The keyword `help GROUP` answers to. */
  readonly keyword: string;
  readonly commands: readonly C[];
}

/** The options every domain command takes first: the domain by name, id or uuid. */
export function domainOpt(help = 'domain name, id or uuid'): OptDef {
  return { name: 'domain', type: 'string', positional: true, required: true, help };
}
