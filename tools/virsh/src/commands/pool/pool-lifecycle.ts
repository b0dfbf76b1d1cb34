import { StoragePoolBuildFlags as B, StoragePoolCreateFlags as C, type StoragePool } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { poolArg, poolOpt, POOL } from '../../storage-lookup.js';
import { objectCommand } from '../shared/object-command.js';

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

export const OVERWRITE_OPTS: readonly OptDef[] = [
  bool('no-overwrite', 'do not overwrite any existing data'),
  bool('overwrite', 'overwrite any existing data'),
];
/** --build, --no-overwrite, --overwrite of pool-start, pool-create and pool-create-as. */
export const BUILD_OPTS: readonly OptDef[] = [bool('build', 'build the pool as normal'), ...OVERWRITE_OPTS];

/** StoragePoolCreateFlags from --build, --overwrite and --no-overwrite (each implies building). */
export function createFlags(cmd: ParsedCommand): number {
  cmd.exclusive('overwrite', 'no-overwrite');
  return (cmd.bool('build') ? C.WITH_BUILD : 0) | (cmd.bool('overwrite') ? C.WITH_BUILD_OVERWRITE : 0) |
    (cmd.bool('no-overwrite') ? C.WITH_BUILD_NO_OVERWRITE : 0);
}

/**
 * A command that does one thing to a pool and reports it with the pool as the user typed it:
 * `Pool X done`, or `Failed to VERB pool X` and libvirt's error. Its flags are read once the pool
 * is found, as virsh does.
 */
function poolAction(
  name: string, help: string, desc: string, extra: readonly OptDef[], verb: string, done: string,
  act: (pool: StoragePool, flags: number) => Promise<void>, flags: (cmd: ParsedCommand) => number = () => 0,
): CommandDef {
  return {
    name,
    group: 'pool',
    help,
    desc,
    options: [poolOpt(), ...extra],
    async run(ctl, cmd) {
      const pool = await poolArg(ctl, cmd);
      const text = cmd.required('pool');
      const bits = flags(cmd);
      try {
        await act(pool, bits);
      } catch (e) {
        throw new CommandFailed(`Failed to ${verb} pool ${text}`, e);
      }
      ctl.extra(`Pool ${text} ${done}\n`);
      return true;
    },
  };
}

// pool-build passes both flags on and lets the driver judge them.
export const poolBuild = poolAction('pool-build', 'build a pool', 'Build a given pool.', OVERWRITE_OPTS, 'build', 'built',
  (pool, flags) => pool.build(flags), (cmd) => (cmd.bool('no-overwrite') ? B.NO_OVERWRITE : 0) | (cmd.bool('overwrite') ? B.OVERWRITE : 0));
export const poolStart = poolAction('pool-start', 'start a (previously defined) inactive pool', 'Start a pool.', BUILD_OPTS,
  'start', 'started', (pool, flags) => pool.create(flags), createFlags);
export const poolDestroy = poolAction('pool-destroy', 'destroy (stop) a pool',
  'Forcefully stop a given pool. Raw data in the pool is untouched', [], 'destroy', 'destroyed', (pool) => pool.destroy());
export const poolDelete = poolAction('pool-delete', 'delete a pool', 'Delete a given pool.', [], 'delete', 'deleted',
  (pool) => pool.delete());
export const poolUndefine = poolAction('pool-undefine', 'undefine an inactive pool', 'Undefine the configuration for an inactive pool.',
  [], 'undefine', 'has been undefined', (pool) => pool.undefine());
export const poolRefresh = poolAction('pool-refresh', 'refresh a pool', 'Refresh a given pool.', [], 'refresh', 'refreshed',
  (pool) => pool.refresh());

export const poolAutostart = objectCommand({
  name: 'pool-autostart',
  group: 'pool',
  help: 'autostart a pool',
  desc: 'Configure a pool to be automatically started at boot.',
  object: POOL,
  options: [bool('disable', 'disable autostarting')],
  async run(pool, ctl, cmd) {
    const text = cmd.required('pool');
    const enable = !cmd.bool('disable');
    try {
      await pool.setAutostart(enable);
    } catch (e) {
      throw new CommandFailed(`failed to ${enable ? 'mark' : 'unmark'} pool ${text} as autostarted`, e);
    }
    ctl.extra(`Pool ${text} ${enable ? 'marked' : 'unmarked'} as autostarted\n`);
    return true;
  },
});
