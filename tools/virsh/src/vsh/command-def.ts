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
}

/** A command: its help texts, options and what it does. */
export interface CommandDef {
  readonly name: string;
  readonly group: string;
  /** One-line summary shown in `help` listings and NAME. */
  readonly help: string;
  /** DESCRIPTION text, when the command has one. */
  readonly desc?: string;
  readonly options: readonly OptDef[];
  /** Commands that work without a hypervisor connection (echo, help, quit). */
  readonly noConnect?: boolean;
  /** Runs the command; false means it failed (virsh then reports the error). */
  run(ctl: Ctl, cmd: ParsedCommand): Promise<boolean>;
}

/** A group of commands, as `virsh help` lists them. */
export interface CommandGroup {
  readonly name: string;
  /** The keyword `help GROUP` answers to. */
  readonly keyword: string;
  readonly commands: readonly CommandDef[];
}

/** The options every domain command takes first: the domain by name, id or uuid. */
export function domainOpt(help = 'domain name, id or uuid'): OptDef {
  return { name: 'domain', type: 'string', positional: true, required: true, help };
}
