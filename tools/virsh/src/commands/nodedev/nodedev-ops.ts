import type { NodeDevice } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { deviceArg, deviceByName, deviceOpt } from './nodedev.js';

/** A node device command: find the device, act on it, print virsh's line (the device as typed). */
function acting(spec: {
  name: string;
  help: string;
  desc: string;
  device?: OptDef;
  options?: OptDef[];
  byNameOnly?: boolean;
  act: (dev: NodeDevice, cmd: ParsedCommand) => Promise<void>;
  done: (typed: string, cmd: ParsedCommand) => string;
  failed: (typed: string, cmd: ParsedCommand) => string;
}): CommandDef {
  return {
    name: spec.name,
    group: 'nodedev',
    help: spec.help,
    desc: spec.desc,
    options: [spec.device ?? deviceOpt, ...(spec.options ?? [])],
    async run(ctl, cmd) {
      const dev = await (spec.byNameOnly ? deviceByName(ctl, cmd) : deviceArg(ctl, cmd));
      const typed = cmd.required('device');
      try {
        await spec.act(dev, cmd);
      } catch (e) {
        throw new CommandFailed(spec.failed(typed, cmd), e);
      }
      ctl.extra(`${spec.done(typed, cmd)}\n`);
      return true;
    },
  };
}

const keyOpt: OptDef = { name: 'device', type: 'string', positional: true, required: true, help: 'device key' };

export const nodedevDestroy = acting({
  name: 'nodedev-destroy', help: 'destroy (stop) a device on the node',
  desc: 'Destroy a device on the node.  Note that this command destroys devices on the physical host',
  act: (dev) => dev.destroy(), done: (d) => `Destroyed node device '${d}'`, failed: (d) => `Failed to destroy node device '${d}'`,
});

export const nodedevUndefine = acting({
  name: 'nodedev-undefine', help: 'Undefine an inactive node device', desc: 'Undefines the configuration for an inactive node device',
  act: (dev) => dev.undefine(), done: (d) => `Undefined node device '${d}'`, failed: (d) => `Failed to undefine node device '${d}'`,
});

export const nodedevStart = acting({
  name: 'nodedev-start', help: 'Start an inactive node device', desc: 'Starts an inactive node device that was previously defined',
  device: { ...deviceOpt, help: 'device name' }, byNameOnly: true,
  act: (dev) => dev.create(), done: (d) => `Device ${d} started`, failed: (d) => `Failed to start device ${d}`,
});

export const nodedevAutostart = acting({
  name: 'nodedev-autostart', help: 'autostart a defined node device', desc: 'Configure a node device to be automatically started at boot.',
  options: [{ name: 'disable', type: 'bool', help: 'disable autostarting' }],
  act: (dev, cmd) => dev.setAutostart(!cmd.bool('disable')),
  done: (d, cmd) => `Device ${d} ${cmd.bool('disable') ? 'unmarked' : 'marked'} as autostarted`,
  failed: (d, cmd) => `failed to ${cmd.bool('disable') ? 'unmark' : 'mark'} device ${d} as autostarted`,
});

export const nodedevDetach = acting({
  name: 'nodedev-detach', help: 'detach node device from its device driver',
  desc: 'Detach node device from its device driver before assigning to a domain.', device: keyOpt, byNameOnly: true,
  options: [{ name: 'driver', type: 'string', help: "pci device assignment backend driver (e.g. 'vfio' or 'xen')" }],
  // virsh calls the flag-taking entry point only when a driver is named.
  act: (dev, cmd) => (cmd.has('driver') ? dev.detachFlags(cmd.string('driver')) : dev.dettach()),
  done: (d) => `Device ${d} detached`, failed: (d) => `Failed to detach device ${d}`,
});

export const nodedevReattach = acting({
  name: 'nodedev-reattach', help: 'reattach node device to its device driver',
  desc: 'Reattach node device to its device driver once released by the domain.', device: keyOpt, byNameOnly: true,
  act: (dev) => dev.reAttach(), done: (d) => `Device ${d} re-attached`, failed: (d) => `Failed to re-attach device ${d}`,
});

export const nodedevReset = acting({
  name: 'nodedev-reset', help: 'reset node device', desc: 'Reset node device before or after assigning to a domain.',
  device: keyOpt, byNameOnly: true,
  act: (dev) => dev.reset(), done: (d) => `Device ${d} reset`, failed: (d) => `Failed to reset device ${d}`,
});
