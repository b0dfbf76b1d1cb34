import { readFileSync } from 'node:fs';
import { DomainCreateFlags, DomainDefineFlags, DomainUndefineFlags, DomainXMLFlags } from '@tsvirt/api';
import { ErrorCode, VirError, errnoText } from '@tsvirt/util';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { undefineDomain } from './flag-fallbacks.js';
import { removeVolumes, storageRemoval, volumesToRemove } from './undefine-storage.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { passFds } from '../shared/pass-fds.js';
import { objectCommand } from '../shared/object-command.js';

/** Reads a file named on the command line, with libvirt's message when it cannot. */
export async function readXMLFile(path: string): Promise<string> {
  try {
    // Synchronous, as virsh reads it: one small file, without fs/promises' thread-pool round trips.
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Failed to open file '${path}': ${errnoText(e as NodeJS.ErrnoException)}`);
  }
}

const fileOpt: OptDef = { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML domain description' };
const validateOpt: OptDef = { name: 'validate', type: 'bool', help: 'validate the XML against the schema' };
const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

export const dumpxml = objectCommand({
  name: 'dumpxml',
  group: 'domain',
  help: 'domain information in XML',
  desc: 'Output the domain information as an XML dump to stdout.',
  object: DOMAIN,
  options: [
    bool('inactive', 'show inactive defined XML'),
    bool('security-info', 'include security sensitive information in XML dump'),
    bool('update-cpu', 'update guest CPU according to host CPU'),
    bool('migratable', 'provide XML suitable for migrations'),
    ...XPATH_OPTS,
  ],
  async run(dom, ctl, cmd) {
    let flags = 0;
    if (cmd.bool('inactive')) flags |= DomainXMLFlags.INACTIVE;
    if (cmd.bool('security-info')) flags |= DomainXMLFlags.SECURE;
    if (cmd.bool('update-cpu')) flags |= DomainXMLFlags.UPDATE_CPU;
    if (cmd.bool('migratable')) flags |= DomainXMLFlags.MIGRATABLE;
    await printXML(ctl, cmd, await dom.getXMLDesc(flags));
    return true;
  },
});

export const define: CommandDef = {
  name: 'define',
  group: 'domain',
  help: "define (but don't start) a domain from an XML file",
  desc: 'Define a domain.',
  options: [fileOpt, validateOpt],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const conn = await ctl.connect();
    const xml = await readXMLFile(file);
    try {
      const dom = await conn.defineXML(xml, cmd.bool('validate') ? DomainDefineFlags.VALIDATE : 0);
      ctl.extra(`Domain '${dom.getName()}' defined from ${file}\n`);
    } catch (e) {
      throw new CommandFailed(`Failed to define domain from ${file}`, e);
    }
    return true;
  },
};

export const create: CommandDef = {
  name: 'create',
  group: 'domain',
  help: 'create a domain from an XML file',
  desc: 'Create a domain.',
  options: [
    fileOpt,
    bool('console', 'attach to console after creation'),
    bool('paused', 'leave the guest paused after creation'),
    bool('autodestroy', 'automatically destroy the guest when virsh disconnects'),
    { name: 'pass-fds', type: 'string', help: 'pass file descriptors N,M,... to the guest' },
    validateOpt,
    bool('reset-nvram', 're-initialize NVRAM from its pristine template'),
  ],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const conn = await ctl.connect();
    const xml = await readXMLFile(file);
    const fds = passFds(cmd.string('pass-fds'));
    let flags = 0;
    if (cmd.bool('paused')) flags |= DomainCreateFlags.START_PAUSED;
    if (cmd.bool('autodestroy')) flags |= DomainCreateFlags.START_AUTODESTROY;
    if (cmd.bool('validate')) flags |= DomainCreateFlags.START_VALIDATE;
    if (cmd.bool('reset-nvram')) flags |= DomainCreateFlags.START_RESET_NVRAM;
    try {
      const dom = await (fds.length ? conn.createXMLWithFiles(xml, fds, flags) : conn.createXML(xml, flags));
      ctl.extra(`Domain '${dom.getName()}' created from ${file}\n`);
    } catch (e) {
      throw new CommandFailed(`Failed to create domain from ${file}`, e);
    }
    return true;
  },
};

const UNDEFINE_FLAGS: ReadonlyArray<[string, number, string]> = [
  ['managed-save', DomainUndefineFlags.MANAGED_SAVE, 'remove domain managed state file'],
  ['snapshots-metadata', DomainUndefineFlags.SNAPSHOTS_METADATA, 'remove all domain snapshot metadata (vm must be inactive)'],
  ['checkpoints-metadata', DomainUndefineFlags.CHECKPOINTS_METADATA, 'remove all domain checkpoint metadata (vm must be inactive)'],
  ['nvram', DomainUndefineFlags.NVRAM, 'remove nvram file'],
  ['keep-nvram', DomainUndefineFlags.KEEP_NVRAM, 'keep nvram file'],
  ['tpm', DomainUndefineFlags.TPM, 'remove TPM state'],
  ['keep-tpm', DomainUndefineFlags.KEEP_TPM, 'keep TPM state'],
];

export const undefine: CommandDef = {
  name: 'undefine',
  group: 'domain',
  help: 'undefine a domain',
  desc: 'Undefine an inactive domain, or convert persistent to transient.',
  options: [
    domainOpt(),
    bool('managed-save', 'remove domain managed state file'),
    { name: 'storage', type: 'string', help: 'remove associated storage volumes (comma separated list of targets or source paths) (see domblklist)' },
    bool('remove-all-storage', 'remove all associated storage volumes (use with caution)'),
    bool('delete-storage-volume-snapshots', 'delete snapshots associated with volume(s), requires --remove-all-storage (must be supported by storage driver)'),
    bool('wipe-storage', 'wipe data on the removed volumes'),
    ...UNDEFINE_FLAGS.slice(1).map(([n, , h]) => bool(n, h)),
  ],
  async run(ctl, cmd) {
    cmd.exclusive('nvram', 'keep-nvram');
    cmd.exclusive('tpm', 'keep-tpm');
    const removal = storageRemoval({
      storage: cmd.string('storage'), all: cmd.bool('remove-all-storage'), wipe: cmd.bool('wipe-storage'), withSnapshots: cmd.bool('delete-storage-volume-snapshots'),
    });
    const name = cmd.required('domain');
    const dom = await domainArg(ctl, cmd);
    let flags = 0;
    for (const [opt, bits] of UNDEFINE_FLAGS) if (cmd.bool(opt)) flags |= bits;
    const vols = removal ? await volumesToRemove(ctl, await ctl.connect(), dom, removal) : [];
    if (!vols) return false;
    // virsh refuses this itself, before asking libvirt.
    if (!cmd.bool('managed-save') && (await dom.hasManagedSaveImage().catch(() => false))) {
      throw new CommandFailed('Refusing to undefine while domain managed save image exists');
    }
    await undefineDomain(dom, flags, (e) => new CommandFailed(`Failed to undefine domain '${name}'`, e));
    ctl.extra(`Domain '${name}' has been undefined\n`);
    if (!removal) return true;
    const removed = await removeVolumes(ctl, vols, removal);
    if (removed.last !== undefined) ctl.report(removed.last);
    return !removed.failed;
  },
};
