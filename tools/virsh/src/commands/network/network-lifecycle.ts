import { NetworkCreateFlags, NetworkDefineFlags, NetworkXMLFlags, type Network } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { networkArg, networkOpt, NETWORK } from './network-common.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { objectCommand } from '../shared/object-command.js';

const fileOpt: OptDef = { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML network description' };
const validateOpt: OptDef = { name: 'validate', type: 'bool', help: 'validate the XML against the schema' };

/** net-define and net-create: a network from an XML file. */
function fromFile(name: string, help: string, desc: string, verb: string, done: string,
  make: (ctl: Ctl, xml: string, validate: boolean) => Promise<Network>): CommandDef {
  return {
    name,
    group: 'network',
    help,
    desc,
    options: [fileOpt, validateOpt],
    async run(ctl, cmd) {
      const file = cmd.required('file');
      const xml = await readXMLFile(file);
      try {
        const net = await make(ctl, xml, cmd.bool('validate'));
        ctl.extra(`Network ${net.getName()} ${done} from ${file}\n`);
      } catch (e) {
        throw new CommandFailed(`Failed to ${verb} network from ${file}`, e);
      }
      return true;
    },
  };
}

export const netDefine = fromFile('net-define',
  'define an inactive persistent virtual network or modify an existing persistent one from an XML file',
  'Define or modify a persistent virtual network.', 'define', 'defined',
  async (ctl, xml, validate) => (await ctl.connect()).networkDefineXML(xml, validate ? NetworkDefineFlags.VALIDATE : 0));

export const netCreate = fromFile('net-create', 'create a network from an XML file', 'Create a network.', 'create', 'created',
  async (ctl, xml, validate) => (await ctl.connect()).networkCreateXML(xml, validate ? NetworkCreateFlags.VALIDATE : 0));

/** A command that looks a network up, acts on it and prints virsh's line, naming it as typed. */
function acting(spec: {
  name: string;
  help: string;
  desc: string;
  options?: OptDef[];
  act: (net: Network, cmd: ParsedCommand) => Promise<void>;
  /** The success line and the failure line, given the network as typed. */
  done: (typed: string, cmd: ParsedCommand) => string;
  failed: (typed: string, cmd: ParsedCommand) => string;
}): CommandDef {
  return {
    name: spec.name,
    group: 'network',
    help: spec.help,
    desc: spec.desc,
    options: [networkOpt(), ...(spec.options ?? [])],
    async run(ctl, cmd) {
      const net = await networkArg(ctl, cmd);
      const typed = cmd.required('network');
      try {
        await spec.act(net, cmd);
      } catch (e) {
        throw new CommandFailed(spec.failed(typed, cmd), e);
      }
      ctl.extra(`${spec.done(typed, cmd)}\n`);
      return true;
    },
  };
}

export const netStart = acting({
  name: 'net-start', help: 'start a (previously defined) inactive network', desc: 'Start a network.',
  act: (net) => net.create(), done: (n) => `Network ${n} started`, failed: (n) => `Failed to start network ${n}`,
});

export const netDestroy = acting({
  name: 'net-destroy', help: 'destroy (stop) a network', desc: 'Forcefully stop a given network.',
  act: (net) => net.destroy(), done: (n) => `Network ${n} destroyed`, failed: (n) => `Failed to destroy network ${n}`,
});

export const netUndefine = acting({
  name: 'net-undefine', help: 'undefine a persistent network', desc: 'Undefine the configuration for a persistent network.',
  act: (net) => net.undefine(), done: (n) => `Network ${n} has been undefined`, failed: (n) => `Failed to undefine network ${n}`,
});

export const netAutostart = acting({
  name: 'net-autostart', help: 'autostart a network', desc: 'Configure a network to be automatically started at boot.',
  options: [{ name: 'disable', type: 'bool', help: 'disable autostarting' }],
  act: (net, cmd) => net.setAutostart(!cmd.bool('disable')),
  done: (n, cmd) => `Network ${n} ${cmd.bool('disable') ? 'unmarked' : 'marked'} as autostarted`,
  failed: (n, cmd) => `failed to ${cmd.bool('disable') ? 'unmark' : 'mark'} network ${n} as autostarted`,
});

export const netDumpxml = objectCommand({
  name: 'net-dumpxml',
  group: 'network',
  help: 'network information in XML',
  desc: 'Output the network information as an XML dump to stdout.',
  object: NETWORK,
  options: [
    { name: 'inactive', type: 'bool', help: 'show inactive defined XML' },
    ...XPATH_OPTS,
  ],
  async run(net, ctl, cmd) {
    await printXML(ctl, cmd, await net.getXMLDesc(cmd.bool('inactive') ? NetworkXMLFlags.INACTIVE : 0));
    return true;
  },
});
