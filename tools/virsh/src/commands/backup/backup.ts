import { DomainBackupBeginFlags } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { objectCommand } from '../shared/object-command.js';

const fileText = async (path: string | undefined): Promise<string | undefined> => (path === undefined ? undefined : readXMLFile(path));

export const backupBegin = objectCommand({
  name: 'backup-begin',
  group: 'backup',
  help: 'Start a disk backup of a live domain',
  desc: 'Use XML to start a full or incremental disk backup of a live domain, optionally creating a checkpoint',
  object: DOMAIN,
  options: [
    { name: 'backupxml', type: 'string', help: 'domain backup XML' },
    { name: 'checkpointxml', type: 'string', help: 'domain checkpoint XML' },
    { name: 'reuse-external', type: 'bool', help: 'reuse files provided by caller' },
  ],
  async run(dom, ctl, cmd) {
    const backupXML = await fileText(nonEmptyOpt(cmd, 'backupxml'));
    const checkpointXML = await fileText(nonEmptyOpt(cmd, 'checkpointxml'));
    await dom.backupBegin(backupXML, checkpointXML, cmd.bool('reuse-external') ? DomainBackupBeginFlags.REUSE_EXTERNAL : 0);
    ctl.print('Backup started\n');
    return true;
  },
});

export const backupDumpxml: CommandDef = {
  name: 'backup-dumpxml',
  group: 'backup',
  help: 'Dump XML for an ongoing domain block backup job',
  desc: 'Backup Dump XML',
  options: [domainOpt(), ...XPATH_OPTS],
  async run(ctl, cmd) {
    await printXML(ctl, cmd, await (await domainArg(ctl, cmd)).backupGetXMLDesc());
    return true;
  },
};
