import { DomainModificationImpact as Impact, type Domain } from '@tsvirt/api';
import type { OptDef } from '../../vsh/command-def.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';

export const boolOpt = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

export const persistentOpt = boolOpt('persistent', 'make live change persistent');
export const configOpt = boolOpt('config', 'affect next boot');
export const liveOpt = boolOpt('live', 'affect running domain');
export const currentOpt = boolOpt('current', 'affect current domain');

/** `Option --b is required by option --a` unless both or neither are given. */
export function requireOpt(cmd: ParsedCommand, a: string, b: string): void {
  if (cmd.has(a) && !cmd.has(b)) throw new VshError(`Option --${b} is required by option --${a}`);
}

/** --config/--live/--current as virsh turns them into DomainModificationImpact (--current excludes the others). */
export function impactFlags(cmd: ParsedCommand): number {
  cmd.exclusive('current', 'live');
  cmd.exclusive('current', 'config');
  return (cmd.bool('config') ? Impact.CONFIG : 0) | (cmd.bool('live') ? Impact.LIVE : 0);
}

/** The device commands' options also take --persistent: the next boot and, if running, the live domain. */
export function checkDeviceImpact(cmd: ParsedCommand): void {
  cmd.exclusive('persistent', 'current');
  impactFlags(cmd);
}

export async function deviceImpactFlags(cmd: ParsedCommand, dom: Domain): Promise<number> {
  let flags = impactFlags(cmd);
  if (cmd.bool('persistent')) flags |= Impact.CONFIG | ((await dom.isActive()) ? Impact.LIVE : 0);
  return flags;
}

/** Whether virsh uses the flag-taking API: any impact option was given, even --current. */
export const wantsFlagsAPI = (cmd: ParsedCommand, flags: number): boolean => flags !== 0 || cmd.bool('current');
