import { DomainQemuAgentCommandTimeout as T, DomainSetUserPasswordFlags, type DomainFSInfo } from '@tsvirt/api';
import { DOMAIN } from '../../domain-lookup.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { printTable, type Column } from '../../vsh/report.js';
import { VshError } from '../../vsh/vsh-error.js';
import { boolOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';
import { prettyJSON } from './qemu-monitor-command.js';

/** The agent's wait as virsh chooses it: `--timeout` seconds (positive), `--async`, `--block`, one at most. */
function agentTimeout(timeout: number | undefined, async: boolean, block: boolean): number {
  if (timeout !== undefined && timeout < 1) throw new VshError('timeout must be positive');
  if ([timeout !== undefined, async, block].filter(Boolean).length > 1) throw new VshError('timeout, async and block options are exclusive');
  return timeout ?? (async ? T.NOWAIT : block ? T.BLOCK : T.DEFAULT);
}

export const qemuAgentCommand = objectCommand({
  name: 'qemu-agent-command',
  group: 'domain',
  help: 'QEMU Guest Agent Command',
  desc: 'Run an arbitrary qemu guest agent command; use at your own risk',
  object: DOMAIN,
  options: [
    { name: 'timeout', type: 'int', namedOnly: true, help: 'timeout seconds. must be positive.' },
    boolOpt('async', 'execute command without waiting for timeout'),
    boolOpt('block', 'execute command without timeout'),
    boolOpt('pretty', 'pretty-print the output'),
    { name: 'cmd', type: 'argv', positional: true, required: true, help: 'command' },
  ],
  async run(dom, ctl, cmd) {
    const timeout = agentTimeout(cmd.int('timeout'), cmd.bool('async'), cmd.bool('block'));
    const reply = await dom.qemuAgentCommand(cmd.argv('cmd').join(' '), timeout);
    ctl.print(cmd.bool('pretty') ? prettyJSON(JSON.parse(reply)) : reply);
  },
});

const FS_COLUMNS: ReadonlyArray<Column<DomainFSInfo>> = [
  { title: 'Mountpoint', key: 'mountpoint', value: (f) => f.mountpoint },
  { title: 'Name', key: 'name', value: (f) => f.name },
  { title: 'Type', key: 'type', value: (f) => f.fstype },
  { title: 'Target', key: 'target', value: (f) => f.devAliases.join(',') },
];

export const domfsinfo = objectCommand({
  name: 'domfsinfo',
  group: 'domain',
  help: "Get information of domain's mounted filesystems.",
  desc: "Get information of domain's mounted filesystems.",
  object: DOMAIN,
  async run(dom, ctl, cmd) {
    let info: DomainFSInfo[];
    try {
      info = await dom.getFSInfo();
    } catch (e) {
      throw new CommandFailed('Unable to get filesystem information', e);
    }
    if (info.length > 0) printTable(ctl, cmd, FS_COLUMNS, info);
  },
});

export const setUserPassword = objectCommand({
  name: 'set-user-password',
  group: 'domain',
  help: 'set the user password inside the domain',
  desc: 'changes the password of the specified user inside the domain',
  object: DOMAIN,
  options: [
    { name: 'user', type: 'string', positional: true, required: true, help: 'the username' },
    { name: 'password', type: 'string', positional: true, required: true, help: 'the new password' },
    boolOpt('encrypted', 'the password is already encrypted'),
  ],
  async run(dom, ctl, cmd) {
    const user = cmd.required('user');
    await dom.setUserPassword(user, cmd.required('password'), cmd.bool('encrypted') ? DomainSetUserPasswordFlags.ENCRYPTED : 0);
    ctl.print(`Password set successfully for ${user} in ${dom.getName()}`);
  },
});
