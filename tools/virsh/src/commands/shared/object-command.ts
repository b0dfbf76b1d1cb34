import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import type { Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';

/** How one kind of object (domain, network, pool, interface) is named on the command line and found. */
export interface ObjectKind<T, Ways> {
  /** The option naming the object, first on the command line, with this help text. */
  option(help?: string): OptDef;
  /** Finds the object the parsed command names, the ways given (all by default), as virsh does. */
  find(ctl: Ctl, cmd: ParsedCommand, ways?: Ways): Promise<T>;
}

/** What an object command is: virsh's help texts, the object it acts on and what it does with it. */
export interface ObjectCommandSpec<T, Ways> {
  readonly name: string;
  /** virsh's group keyword (`domain`, `monitor`, `network`, ...). */
  readonly group: string;
  readonly help: string;
  readonly desc?: string;
  readonly object: ObjectKind<T, Ways>;
  /** The object option's help text, when not the kind's own. */
  readonly objectHelp?: string;
  /** The ways the object may be named, when not all of them. */
  readonly ways?: Ways;
  /** Options after the object's. */
  readonly options?: readonly OptDef[];
  /** virsh's checks of the options alone (exclusive or dependent ones), made before the lookup. */
  check?(cmd: ParsedCommand): void;
  /** Acts on the object found; false (or a thrown error) means the command failed. */
  run(obj: T, ctl: Ctl, cmd: ParsedCommand): Promise<boolean | void>;
}

/** A command that first finds the object its first option names, then acts on it. */
export function objectCommand<T, Ways>(spec: ObjectCommandSpec<T, Ways>): CommandDef {
  return {
    name: spec.name,
    group: spec.group,
    help: spec.help,
    ...(spec.desc === undefined ? {} : { desc: spec.desc }),
    options: [spec.object.option(spec.objectHelp), ...(spec.options ?? [])],
    async run(ctl, cmd) {
      spec.check?.(cmd);
      const obj = await spec.object.find(ctl, cmd, spec.ways);
      return (await spec.run(obj, ctl, cmd)) ?? true;
    },
  };
}
