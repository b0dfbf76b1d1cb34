import { DomainCreateFlags, DomainDestroyFlags, DomainShutdownFlags, type Domain } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, type LookupWays } from '../../domain-lookup.js';
import { passFds } from '../shared/pass-fds.js';
import { startDomain } from './flag-fallbacks.js';

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

/** A command that looks a domain up, acts on it and prints virsh's success or failure line. */
function lifecycle(spec: {
  name: string;
  help: string;
  desc: string;
  options?: OptDef[];
  domainHelp?: string;
  lookup?: LookupWays;
  /** The success line; gets the name as typed and the domain. */
  done: (name: string, dom: Domain) => string;
  failed: string;
  act: (dom: Domain, cmd: ParsedCommand, ctl: Ctl) => Promise<void>;
}): CommandDef {
  return {
    name: spec.name,
    group: 'domain',
    help: spec.help,
    desc: spec.desc,
    options: [domainOpt(spec.domainHelp), ...(spec.options ?? [])],
    async run(ctl, cmd) {
      const name = cmd.required('domain');
      const dom = await domainArg(ctl, cmd, spec.lookup);
      try {
        await spec.act(dom, cmd, ctl);
      } catch (e) {
        if (e instanceof VshError || e instanceof CommandFailed) throw e;
        throw new CommandFailed(`Failed to ${spec.failed} domain '${name}'`, e);
      }
      ctl.extra(`${spec.done(name, dom)}\n`);
      return true;
    },
  };
}

const MODES: Record<string, number> = {
  acpi: DomainShutdownFlags.ACPI_POWER_BTN,
  agent: DomainShutdownFlags.GUEST_AGENT,
  initctl: DomainShutdownFlags.INITCTL,
  signal: DomainShutdownFlags.SIGNAL,
  paravirt: DomainShutdownFlags.PARAVIRT,
};

/** `--mode acpi,agent` as virsh turns it into flags. */
function modeFlags(cmd: ParsedCommand): number {
  let flags = 0;
  for (const m of (cmd.string('mode') ?? '').split(',').filter(Boolean)) {
    const bits = MODES[m];
    if (bits === undefined) throw new VshError(`Unknown mode ${m} value, expecting 'acpi', 'agent', 'initctl', 'signal', or 'paravirt'`);
    flags |= bits;
  }
  return flags;
}

const modeOpt: OptDef = { name: 'mode', type: 'string', help: 'shutdown mode: acpi|agent|initctl|signal|paravirt' };

export const start = lifecycle({
  name: 'start',
  help: 'start a (previously defined) inactive domain',
  desc: 'Start a domain, either from the last managedsave\n    state, or via a fresh boot if no managedsave state\n    is present.',
  domainHelp: 'name of the inactive domain',
  lookup: { byName: true, byUUID: true },
  options: [
    bool('console', 'attach to console after creation'),
    bool('paused', 'leave the guest paused after creation'),
    bool('autodestroy', 'automatically destroy the guest when virsh disconnects'),
    bool('bypass-cache', 'avoid file system cache when loading'),
    bool('force-boot', 'force fresh boot by discarding any managed save'),
    { name: 'pass-fds', type: 'string', help: 'pass file descriptors N,M,... to the guest' },
    bool('reset-nvram', 're-initialize NVRAM from its pristine template'),
  ],
  // virsh names the domain itself here, not what was typed.
  done: (_n, dom) => `Domain '${dom.getName()}' started`,
  failed: 'start',
  async act(dom, cmd) {
    if (await dom.isActive()) throw new CommandFailed('Domain is already active');
    const fds = passFds(cmd.string('pass-fds'));
    let flags = 0;
    if (cmd.bool('paused')) flags |= DomainCreateFlags.START_PAUSED;
    if (cmd.bool('autodestroy')) flags |= DomainCreateFlags.START_AUTODESTROY;
    if (cmd.bool('bypass-cache')) flags |= DomainCreateFlags.START_BYPASS_CACHE;
    if (cmd.bool('force-boot')) flags |= DomainCreateFlags.START_FORCE_BOOT;
    if (cmd.bool('reset-nvram')) flags |= DomainCreateFlags.START_RESET_NVRAM;
    await startDomain(dom, flags, fds);
  },
});

export const destroy = lifecycle({
  name: 'destroy',
  help: 'destroy (stop) a domain',
  desc: 'Forcefully stop a given domain, but leave its resources intact.',
  options: [bool('graceful', 'terminate gracefully'), bool('remove-logs', 'remove domain logs')],
  done: (n) => `Domain '${n}' destroyed`,
  failed: 'destroy',
  async act(dom, cmd) {
    let flags = 0;
    if (cmd.bool('graceful')) flags |= DomainDestroyFlags.GRACEFUL;
    if (cmd.bool('remove-logs')) flags |= DomainDestroyFlags.REMOVE_LOGS;
    await dom.destroy(flags);
  },
});

export const shutdown = lifecycle({
  name: 'shutdown',
  help: 'gracefully shutdown a domain',
  desc: 'Run shutdown in the target domain.',
  options: [modeOpt],
  done: (n) => `Domain '${n}' is being shutdown`,
  failed: 'shutdown',
  act: async (dom, cmd) => dom.shutdown(modeFlags(cmd)),
});

export const reboot = lifecycle({
  name: 'reboot',
  help: 'reboot a domain',
  desc: 'Run a reboot command in the target domain.',
  options: [modeOpt],
  done: (n) => `Domain '${n}' is being rebooted`,
  failed: 'reboot',
  act: async (dom, cmd) => dom.reboot(modeFlags(cmd)),
});

export const reset = lifecycle({
  name: 'reset',
  help: 'reset a domain',
  desc: 'Reset the target domain as if by power button',
  done: (n) => `Domain '${n}' was reset`,
  failed: 'reset',
  act: async (dom) => dom.reset(),
});

export const suspend = lifecycle({
  name: 'suspend',
  help: 'suspend a domain',
  desc: 'Suspend a running domain.',
  done: (n) => `Domain '${n}' suspended`,
  failed: 'suspend',
  act: async (dom) => dom.suspend(),
});

export const resume = lifecycle({
  name: 'resume',
  help: 'resume a domain',
  desc: 'Resume a previously suspended domain.',
  done: (n) => `Domain '${n}' resumed`,
  failed: 'resume',
  act: async (dom) => dom.resume(),
});
