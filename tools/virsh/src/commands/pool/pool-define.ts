import { StoragePoolDefineFlags, type Connection, type StoragePool } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { BUILD_OPTS, createFlags } from './pool-lifecycle.js';
import { POOL_AS_OPTS, poolXMLFromArgs } from './pool-xml-args.js';

const fileOpt: OptDef = { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML pool description' };

/** Defines or creates a pool from a file: `Pool X VERBED from F`, or `Failed to VERB pool from F`. */
function fromFile(
  name: string, help: string, desc: string, extra: readonly OptDef[], verb: string,
  flagsOf: (cmd: ParsedCommand) => number, make: (conn: Connection, xml: string, flags: number) => Promise<StoragePool>,
): CommandDef {
  return {
    name,
    group: 'pool',
    help,
    desc,
    options: [fileOpt, ...extra],
    async run(ctl, cmd) {
      const flags = flagsOf(cmd);
      const file = cmd.required('file');
      const conn = await ctl.connect();
      const xml = await readXMLFile(file);
      try {
        const pool = await make(conn, xml, flags);
        ctl.extra(`Pool ${pool.getName()} ${verb}d from ${file}\n`);
      } catch (e) {
        throw new CommandFailed(`Failed to ${verb} pool from ${file}`, e);
      }
      return true;
    },
  };
}

export const poolDefine = fromFile('pool-define',
  'define an inactive persistent storage pool or modify an existing persistent one from an XML file',
  'Define or modify a persistent storage pool.', [{ name: 'validate', type: 'bool', help: 'validate the XML against the schema' }],
  'define', (cmd) => (cmd.bool('validate') ? StoragePoolDefineFlags.VALIDATE : 0), (conn, xml, flags) => conn.storagePoolDefineXML(xml, flags));

export const poolCreate = fromFile('pool-create', 'create a pool from an XML file', 'Create a pool.', BUILD_OPTS, 'create',
  createFlags, (conn, xml, flags) => conn.storagePoolCreateXML(xml, flags));

/** Defines or creates a pool from options, or prints the XML it would use with --print-xml. */
async function fromArgs(ctl: Ctl, cmd: ParsedCommand, verb: string,
  make: (conn: Connection, xml: string) => Promise<StoragePool>): Promise<boolean> {
  const xml = poolXMLFromArgs(cmd);
  if (cmd.bool('print-xml')) {
    ctl.print(xml);
    return true;
  }
  const name = cmd.required('name');
  try {
    await make(await ctl.connect(), xml);
  } catch (e) {
    throw new CommandFailed(`Failed to ${verb} pool ${name}`, e);
  }
  ctl.extra(`Pool ${name} ${verb}d\n`);
  return true;
}

export const poolDefineAs: CommandDef = {
  name: 'pool-define-as',
  group: 'pool',
  help: 'define a pool from a set of args',
  desc: 'Define a pool.',
  options: POOL_AS_OPTS,
  run: (ctl, cmd) => fromArgs(ctl, cmd, 'define', (conn, xml) => conn.storagePoolDefineXML(xml, 0)),
};

export const poolCreateAs: CommandDef = {
  name: 'pool-create-as',
  group: 'pool',
  help: 'create a pool from a set of args',
  desc: 'Create a pool.',
  options: [...POOL_AS_OPTS, ...BUILD_OPTS],
  async run(ctl, cmd) {
    const flags = createFlags(cmd);
    return fromArgs(ctl, cmd, 'create', (conn, xml) => conn.storagePoolCreateXML(xml, flags));
  },
};

export const poolCapabilities: CommandDef = {
  name: 'pool-capabilities',
  group: 'pool',
  help: 'storage pool capabilities',
  desc: 'Returns capabilities of storage pool support.',
  options: [],
  async run(ctl) {
    const conn = await ctl.connect();
    try {
      ctl.print(`${await conn.getStoragePoolCapabilities()}\n`);
    } catch (e) {
      throw new CommandFailed('failed to get storage pool capabilities', e);
    }
    return true;
  },
};
