import type { CommandDef, CommandGroup } from '../vsh/command-def.js';
import { list } from './domain-list.js';
import { dominfo, domid, domname, domstate, domuuid } from './domain-info.js';
import { create, define, dumpxml, undefine } from './domain-xml.js';
import { destroy, reboot, reset, resume, shutdown, start, suspend } from './domain-lifecycle.js';
import { hostname, nodeinfo, uri, version } from './host.js';
import { cd, connectCommand, echo, exit, pwd, quit } from './virsh-itself.js';
import { makeHelp } from './help.js';

const byName = (a: CommandDef, b: CommandDef): number => a.name.localeCompare(b.name);

/** Every command, in virsh's groups; the group a command sits in follows virsh. */
export const GROUPS: readonly CommandGroup[] = [
  { name: 'Domain Management', keyword: 'domain',
    commands: [create, define, destroy, domid, domname, domuuid, dumpxml, reboot, reset, resume, shutdown, start, suspend, undefine].sort(byName) },
  { name: 'Domain Monitoring', keyword: 'monitor', commands: [dominfo, domstate, list].sort(byName) },
  { name: 'Host and Hypervisor', keyword: 'host', commands: [hostname, nodeinfo, uri, version].sort(byName) },
  { name: 'Virsh itself', keyword: 'virsh', commands: [...[cd, echo, exit, makeHelp(() => GROUPS), pwd, quit].sort(byName), connectCommand] },
];

const COMMANDS = new Map(GROUPS.flatMap((g) => g.commands).map((c) => [c.name, c]));

export function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.get(name);
}
