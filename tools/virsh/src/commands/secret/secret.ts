import { Buffer } from 'node:buffer';
import { ListSecretsFlags, SecretDefineFlags, SecretUsageType, VirError, ErrorCode, type Connection, type Secret } from '@tsvirt/api';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { jsonOpt, printTable } from '../../vsh/report.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { readXMLFile } from '../domain/domain-xml.js';

const secretOpt: OptDef = { name: 'secret', type: 'string', positional: true, required: true, help: 'secret UUID' };
const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });

/** virsh's lookup of a secret: by UUID only. */
export async function secretArg(ctl: Ctl, cmd: ParsedCommand, opt = 'secret'): Promise<Secret> {
  const text = cmd.required(opt);
  const conn = await ctl.connect();
  try {
    return await conn.secretLookupByUUIDString(text);
  } catch (e) {
    throw new CommandFailed(`failed to get secret '${text}'`, e);
  }
}

export const secretDefine: CommandDef = {
  name: 'secret-define',
  group: 'secret',
  help: 'define or modify a secret from an XML file',
  desc: 'Define or modify a secret.',
  options: [
    { name: 'file', type: 'string', positional: true, required: true, help: 'file containing secret attributes in XML' },
    bool('validate', 'validate the XML against the schema'),
  ],
  async run(ctl, cmd) {
    const file = cmd.required('file');
    const xml = await readXMLFile(file);
    let secret: Secret;
    try {
      secret = await (await ctl.connect()).secretDefineXML(xml, cmd.bool('validate') ? SecretDefineFlags.VALIDATE : 0);
    } catch (e) {
      throw new CommandFailed(`Failed to set attributes from ${file}`, e);
    }
    ctl.extra(`Secret ${secret.getUUIDString()} created\n`);
    return true;
  },
};

export const secretDumpxml: CommandDef = {
  name: 'secret-dumpxml',
  group: 'secret',
  help: 'secret attributes in XML',
  desc: 'Output attributes of a secret as an XML dump to stdout.',
  options: [secretOpt, ...XPATH_OPTS],
  async run(ctl, cmd) {
    await printXML(ctl, cmd, await (await secretArg(ctl, cmd)).getXMLDesc());
    return true;
  },
};

export const secretGetValue: CommandDef = {
  name: 'secret-get-value',
  group: 'secret',
  help: 'Output a secret value',
  desc: 'Output a secret value to stdout.',
  options: [secretOpt, bool('plain', 'get value without converting to base64')],
  async run(ctl, cmd) {
    const value = Buffer.from(await (await secretArg(ctl, cmd)).getValue());
    ctl.print(cmd.bool('plain') ? value.toString('latin1') : value.toString('base64'));
    return true;
  },
};

/** The value secret-set-value sets: from --base64, from a file (base64 unless --plain), or typed at the terminal. */
async function valueToSet(ctl: Ctl, cmd: ParsedCommand): Promise<Buffer> {
  const base64 = nonEmptyOpt(cmd, 'base64');
  const file = nonEmptyOpt(cmd, 'file');
  if (base64 !== undefined) {
    // virsh warns (as an error line) and goes on.
    ctl.error('Passing secret value as command-line argument is insecure!');
    return Buffer.from(base64, 'base64');
  }
  if (file === undefined) {
    // tsvirsh reads no terminal: --interactive is refused as virsh refuses it without one.
    if (cmd.bool('interactive')) throw new VshError('Failed to read secret');
    throw new VshError('Input secret value is missing');
  }
  let data: Buffer;
  try {
    data = Buffer.from(await readXMLFile(file), 'latin1');
  } catch (e) {
    throw new CommandFailed(`failed to read '${file}'`, e);
  }
  return cmd.bool('plain') ? data : Buffer.from(data.toString('latin1'), 'base64');
}

export const secretSetValue: CommandDef = {
  name: 'secret-set-value',
  group: 'secret',
  help: 'set a secret value',
  desc: 'Set a secret value.',
  options: [
    secretOpt,
    { name: 'file', type: 'string', namedOnly: true, help: 'read secret from file' },
    bool('plain', 'read the secret from file without converting from base64'),
    bool('interactive', 'read the secret from the terminal'),
    { name: 'base64', type: 'string', help: 'base64-encoded secret value' },
  ],
  async run(ctl, cmd) {
    for (const [a, b] of [['file', 'base64'], ['plain', 'base64'], ['interactive', 'base64'], ['interactive', 'plain'], ['interactive', 'file']] as const) {
      cmd.exclusive(a, b);
    }
    const secret = await secretArg(ctl, cmd);
    const value = await valueToSet(ctl, cmd);
    try {
      await secret.setValue(value);
    } catch (e) {
      throw new CommandFailed('Failed to set secret value', e);
    }
    ctl.extra('Secret value set\n');
    return true;
  },
};

export const secretUndefine: CommandDef = {
  name: 'secret-undefine',
  group: 'secret',
  help: 'undefine a secret',
  desc: 'Undefine a secret.',
  options: [secretOpt],
  async run(ctl, cmd) {
    const secret = await secretArg(ctl, cmd);
    const uuid = cmd.required('secret');
    try {
      await secret.undefine();
    } catch (e) {
      throw new CommandFailed(`Failed to delete secret ${uuid}`, e);
    }
    ctl.extra(`Secret ${uuid} deleted\n`);
    return true;
  },
};

const USAGE_NAMES = ['none', 'volume', 'ceph', 'iscsi', 'tls', 'vtpm'];

/** The secrets, through virConnectListAllSecrets or, where a driver lacks it and no filter is asked, the older calls. */
async function listSecrets(conn: Connection, flags: number): Promise<Secret[]> {
  try {
    return await conn.listAllSecrets(flags);
  } catch (e) {
    if (!(e instanceof VirError && e.code === ErrorCode.NO_SUPPORT)) throw new CommandFailed('Failed to list secrets', e);
  }
  if (flags) throw new VshError('Filtering is not supported by this libvirt');
  try {
    await conn.numOfSecrets();
  } catch (e) {
    throw new CommandFailed('Failed to count secrets', e);
  }
  let uuids: string[];
  try {
    uuids = await conn.listSecrets();
  } catch (e) {
    throw new CommandFailed('Failed to list secrets', e);
  }
  return Promise.all(uuids.map((u) => conn.secretLookupByUUIDString(u)));
}

export const secretList: CommandDef = {
  name: 'secret-list',
  group: 'secret',
  help: 'list secrets',
  desc: 'Returns a list of secrets',
  options: [
    bool('ephemeral', 'list ephemeral secrets'), bool('no-ephemeral', 'list non-ephemeral secrets'),
    bool('private', 'list private secrets'), bool('no-private', 'list non-private secrets'), jsonOpt,
  ],
  async run(ctl, cmd) {
    const F = ListSecretsFlags;
    const flags = (cmd.bool('ephemeral') ? F.EPHEMERAL : 0) | (cmd.bool('no-ephemeral') ? F.NO_EPHEMERAL : 0) |
      (cmd.bool('private') ? F.PRIVATE : 0) | (cmd.bool('no-private') ? F.NO_PRIVATE : 0);
    const secrets = (await listSecrets(await ctl.connect(), flags)).sort((a, b) => (a.getUUIDString() < b.getUUIDString() ? -1 : 1));
    printTable(ctl, cmd, [
      { title: 'UUID', key: 'uuid', value: (s) => s.getUUIDString() },
      {
        title: 'Usage', key: 'usage', value: (s) => USAGE_NAMES[s.getUsageType()] ?? String(s.getUsageType()),
        text: (s) => (s.getUsageType() === SecretUsageType.NONE ? 'Unused' : `${USAGE_NAMES[s.getUsageType()]} ${s.getUsageID()}`),
      },
      { title: 'Usage ID', key: 'usageId', value: (s) => s.getUsageID(), jsonOnly: true },
    ], secrets);
    return true;
  },
};
